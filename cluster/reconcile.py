"""One reconcile round over a sandbox: the loop that Celery tasks and tests both call.

A round:
1. takes the sandbox's lease, so no other worker reconciles it at the same time (a
   worker that dies leaves a lease that expires; another worker then takes over);
2. loads every object, and runs each controller in turn, applying its actions before the
   next one looks;
3. repeats passes until a whole pass changes nothing, or a bound is hit (a buggy
   controller cannot spin forever: the sandbox stays dirty for the periodic resync);
4. records when the controllers next want to run (`wake_at`, in sandbox time) and clears
   the dirty flag, unless someone else wrote meanwhile;
5. releases the lease, and starts over if a write arrived meanwhile.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cluster import errors, store
from cluster.actions import WakeAt
from cluster.controllers import CONTROLLERS
from cluster.models import Sandbox
from cluster.state import ClusterState

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
# Rounds one task runs back to back while learners keep writing, before yielding the worker.
MAX_ROUNDS = 20


def acquire(sandbox_id: int, owner: str = WORKER_ID) -> bool:
    """Take the sandbox's lease if it is free or expired: a conditional update, no lock held."""
    wall = timezone.now()
    taken = Sandbox.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=wall) | Q(lease_owner=owner),
                                   pk=sandbox_id).update(
        lease_owner=owner, lease_until=wall + timedelta(seconds=settings.KUBELAB_LEASE_SECONDS))
    return taken == 1


def renew(sandbox_id: int, owner: str = WORKER_ID) -> bool:
    until = timezone.now() + timedelta(seconds=settings.KUBELAB_LEASE_SECONDS)
    return Sandbox.objects.filter(pk=sandbox_id, lease_owner=owner).update(lease_until=until) == 1


def release(sandbox_id: int, owner: str = WORKER_ID) -> None:
    Sandbox.objects.filter(pk=sandbox_id, lease_owner=owner).update(lease_owner="", lease_until=None)


def run(sandbox_id: int, owner: str = WORKER_ID) -> bool:
    """Reconcile until the sandbox is clean. False when another worker holds it."""
    for _ in range(MAX_ROUNDS):
        if not acquire(sandbox_id, owner):
            return False
        try:
            settled = one_round(sandbox_id, owner)
        finally:
            release(sandbox_id, owner)
        # A write that landed while we held the lease found it taken and left the sandbox
        # dirty for us; look once more after letting go, so no wake-up is lost. A round
        # that did not settle is left dirty for the periodic resync instead of spinning here.
        if not settled or not Sandbox.objects.filter(pk=sandbox_id, dirty=True).exists():
            return True
    return True


def one_round(sandbox_id: int, owner: str) -> bool:
    """Run passes over a fresh state; clear `dirty` only if no one else wrote meanwhile.

    The flag is cleared at the end, not the start: a worker killed mid-round leaves the
    sandbox dirty, so the periodic resync hands it to another worker within seconds.
    """
    sandbox = Sandbox.objects.get(pk=sandbox_id)
    if not sandbox.dirty:
        return True
    state = store.load_state(sandbox)
    try:
        wake, settled = passes(sandbox, state, owner)
    except errors.StatusError as error:
        log.info("sandbox %s: %s; reloading", sandbox_id, error)
        return True
    rows = Sandbox.objects.filter(pk=sandbox_id)
    # Clean only if the newest write is still our own and the clock is where this round read
    # it: anything else (a write we have not seen, a learner's "skip ahead") means another round.
    fresh = settled and not state.interleaved
    unchanged = rows.filter(resource_version=state.resource_version, jumps=sandbox.jumps)
    if fresh and unchanged.update(dirty=False, wake_at=wake):
        return True
    rows.update(wake_at=wake)
    return settled


def passes(sandbox: Sandbox, state: ClusterState, owner: str = WORKER_ID) -> tuple[datetime | None, bool]:
    """Run controller passes until one changes nothing: (the next wake-up, whether it settled)."""
    wakes: list[datetime] = []
    for _ in range(settings.KUBELAB_MAX_PASSES):
        wakes, acted = one_pass(sandbox, state)
        renew(sandbox.pk, owner)
        if not acted:
            return min(wakes, default=None), True
    log.warning("sandbox %s: still changing after %s passes; stopping this round",
                sandbox.pk, settings.KUBELAB_MAX_PASSES)
    return min(wakes, default=None), False


def one_pass(sandbox: Sandbox, state: ClusterState) -> tuple[list[datetime], bool]:
    wakes: list[datetime] = []
    acted = False
    for name, controller in CONTROLLERS:
        actions = controller(state)
        wakes += [a.at for a in actions if isinstance(a, WakeAt)]
        changes = [a for a in actions if not isinstance(a, WakeAt)]
        if changes:
            log.debug("sandbox %s: %s: %d actions", sandbox.pk, name, len(changes))
            # Actions the store had to skip (invalid, forbidden) are no progress: counting
            # them would keep the round spinning on something that can never happen.
            acted = store.apply(sandbox, changes, state, actor=name).written > 0 or acted
    return wakes, acted
