"""One reconcile round over a sandbox: the loop that Celery tasks and tests both call.

A round:
1. takes the sandbox's lease, so no other worker reconciles it at the same time (a
   worker that dies leaves a lease that expires; another worker then takes over);
2. clears the dirty flag, loads every object, and runs each controller in turn, applying
   its actions before the next one looks;
3. repeats passes until a whole pass returns no action, or a bound is hit (a buggy
   controller cannot spin forever);
4. records when the controllers next want to run (`wake_at`, in sandbox time);
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
    while True:
        if not acquire(sandbox_id, owner):
            return False
        try:
            _rounds(sandbox_id, owner)
        finally:
            release(sandbox_id, owner)
        # A write that landed while we held the lease found it taken and left the sandbox
        # dirty for us; look once more after letting go, so no wake-up is lost.
        if not Sandbox.objects.filter(pk=sandbox_id, dirty=True).exists():
            return True


def _rounds(sandbox_id: int, owner: str) -> None:
    while Sandbox.objects.filter(pk=sandbox_id, dirty=True).update(dirty=False) == 1:
        sandbox = Sandbox.objects.get(pk=sandbox_id)
        try:
            wake = passes(sandbox, owner)
        except errors.StatusError as error:
            log.info("sandbox %s: %s; reloading", sandbox_id, error)
            Sandbox.objects.filter(pk=sandbox_id).update(dirty=True)
            continue
        Sandbox.objects.filter(pk=sandbox_id).update(wake_at=wake)


def passes(sandbox: Sandbox, owner: str = WORKER_ID) -> datetime | None:
    """Run controller passes on a fresh state until one changes nothing; return the next wake-up."""
    state = store.load_state(sandbox)
    wakes: list[datetime] = []
    for _ in range(settings.KUBELAB_MAX_PASSES):
        wakes, acted = one_pass(sandbox, state)
        renew(sandbox.pk, owner)
        if not acted:
            return min(wakes, default=None)
    log.warning("sandbox %s: still changing after %s passes; stopping this round",
                sandbox.pk, settings.KUBELAB_MAX_PASSES)
    Sandbox.objects.filter(pk=sandbox.pk).update(dirty=True)
    return min(wakes, default=None)


def one_pass(sandbox: Sandbox, state: ClusterState) -> tuple[list[datetime], bool]:
    wakes: list[datetime] = []
    acted = False
    for name, controller in CONTROLLERS:
        actions = controller(state)
        wakes += [a.at for a in actions if isinstance(a, WakeAt)]
        changes = [a for a in actions if not isinstance(a, WakeAt)]
        if changes:
            acted = True
            log.debug("sandbox %s: %s: %d actions", sandbox.pk, name, len(changes))
            store.apply(sandbox, changes, state)
    return wakes, acted
