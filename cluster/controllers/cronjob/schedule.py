"""CronJob schedules: when a cron line (`*/5 * * * *`) fires, read in a time zone.

A schedule is turned into one function, `next(t)`: the first firing strictly after `t`.
Standard five-field lines and the `@hourly`-style descriptors are read by croniter, in
`spec.timeZone` (UTC without one, as the kube-controller-manager usually runs); `@every 90m`
fires at fixed intervals, as in the cron library Kubernetes uses.

The controller only ever starts the MOST RECENT missed run, never a backlog: after downtime
(or a skipped-ahead clock) a CronJob runs once, not once per missed time. `most_recent`
ports Kubernetes' mostRecentScheduleTime, including its count of missed runs, which
warns when above 100.
"""

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from croniter import croniter  # type: ignore[import-untyped]

from cluster.objects import Obj, parse_time

Next = Callable[[datetime], datetime]
TOO_MANY_MISSED = 100
_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def zone_of(cj: Obj) -> tzinfo:
    name = (cj.get("spec") or {}).get("timeZone")
    return zoneinfo.ZoneInfo(name) if name else UTC


def parse(cj: Obj) -> Next:
    """The `next` function of a CronJob's schedule. Raises ValueError for a schedule it cannot read."""
    schedule = str((cj.get("spec") or {}).get("schedule") or "").strip()
    if schedule.startswith("@every "):
        return _every(go_duration(schedule.removeprefix("@every ")))
    if not croniter.is_valid(schedule):
        raise ValueError(f"unparseable schedule: {schedule!r}")
    zone = zone_of(cj)

    def after(moment: datetime) -> datetime:
        fired: datetime = croniter(schedule, moment.astimezone(zone)).get_next(datetime)
        return fired.astimezone(UTC)
    return after


def go_duration(text: str) -> timedelta:
    """`1h30m` -> 90 minutes (Go's time.ParseDuration, for the units a schedule would use)."""
    parts = _GO_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text.strip():
        raise ValueError(f"unparseable duration: {text!r}")
    return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in parts))


def _every(interval: timedelta) -> Next:
    step = max(interval, timedelta(seconds=1))

    def after(moment: datetime) -> datetime:
        return moment.replace(microsecond=0) + step
    return after


@dataclass(frozen=True)
class Missed:
    """The most recent firing not yet acted on (None if there is none), and how many were missed."""

    time: datetime | None
    count: int


def earliest(cj: Obj, now: datetime, *, with_deadline: bool) -> datetime:
    """Where to start looking: the last run (else the CronJob's creation), or no earlier than
    `startingDeadlineSeconds` ago, since runs older than that can no longer start."""
    meta, spec = cj.get("metadata") or {}, cj.get("spec") or {}
    start = parse_time((cj.get("status") or {}).get("lastScheduleTime")) or parse_time(meta.get("creationTimestamp"))
    start = start or now
    deadline = spec.get("startingDeadlineSeconds")
    if with_deadline and deadline is not None:
        start = max(start, now - timedelta(seconds=int(deadline)))
    return start


def most_recent(cj: Obj, now: datetime, after: Next, *, with_deadline: bool = True) -> Missed:
    """Kubernetes' mostRecentScheduleTime: the latest firing in (earliest, now]."""
    t1 = after(earliest(cj, now, with_deadline=with_deadline))
    if now < t1:
        return Missed(None, 0)
    t2 = after(t1)
    if now < t2:
        return Missed(t1, 1)
    interval = max(round((t2 - t1).total_seconds()), 1)
    missed = int((now - t1).total_seconds()) // interval + 1
    # Jump close to `now` instead of walking every missed firing (there may be years of them).
    moment, latest = after(t1 + timedelta(seconds=(missed - 2) * interval)), None
    while moment <= now:
        latest, moment = moment, after(moment)
    return Missed(latest, missed)


def next_after(now: datetime, after: Next) -> datetime:
    """When the controller should look again: the next firing after now."""
    return after(now)
