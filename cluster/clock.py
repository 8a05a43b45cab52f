"""Simulated time: every sandbox has its own clock, running at its own speed.

Everything in the simulation that waits (image pulls, grace periods, node heartbeats and
eviction timeouts, CronJob schedules, autoscaler syncs) reads the sandbox clock, never the
wall clock. A sandbox at speed 10 lives ten simulated seconds per real second; at speed 0
it is paused. Between beat ticks the clock is extrapolated from the last tick, so reads
are smooth; a tick makes it durable and wakes the sandbox when a controller asked to run
again by then. Tests pause the clock and `advance` it; they never sleep.
"""

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from cluster.models import Sandbox


def now(sandbox: Sandbox) -> datetime:
    """The sandbox's current simulated time."""
    elapsed = (timezone.now() - sandbox.ticked_at).total_seconds()
    return sandbox.clock + timedelta(seconds=max(elapsed, 0.0) * sandbox.speed)


def tick(sandbox: Sandbox) -> bool:
    """Make the clock durable; True when a controller's wake-up time has come."""
    wall = timezone.now()
    moment = now(sandbox)
    Sandbox.objects.filter(pk=sandbox.pk).update(clock=moment, ticked_at=wall)
    sandbox.clock, sandbox.ticked_at = moment, wall
    return due(sandbox)


def due(sandbox: Sandbox) -> bool:
    return sandbox.wake_at is not None and sandbox.wake_at <= now(sandbox)


def advance(sandbox: Sandbox, seconds: float) -> None:
    """Jump the clock forward (a test, or a learner's "skip ahead 5 minutes"), and wake the sandbox."""
    tick(sandbox)
    delta = timedelta(seconds=seconds)
    Sandbox.objects.filter(pk=sandbox.pk).update(clock=F("clock") + delta, dirty=True, jumps=F("jumps") + 1)
    sandbox.refresh_from_db(fields=["clock", "dirty", "jumps"])


def set_speed(sandbox: Sandbox, speed: float) -> None:
    """Pause (0), play (1) or fast-forward (10, ...). The time lived so far is kept."""
    if speed < 0 or speed > 1000:
        raise ValueError("speed must be between 0 and 1000")
    tick(sandbox)
    Sandbox.objects.filter(pk=sandbox.pk).update(speed=speed, jumps=F("jumps") + 1)
    sandbox.speed = speed
