"""Job back-off: how long a Job waits before replacing a failed pod.

After a pod fails, the Job controller does not recreate it at once: it waits 10 seconds,
then 20, 40, ... doubling with each failure since the last success, up to a cap. The clock
starts when the last failed pod finished. Kubernetes keeps this record in memory; here it
is worked out again from the finished pods on every sync, which gives the same answer
while the pods exist (a Job keeps its finished pods until it is deleted).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from cluster.objects import Obj, condition, parse_time

BASE = timedelta(seconds=10)
# Kubernetes' MaxJobPodFailureBackOff (the docs still say six minutes; the code says ten).
CAP = timedelta(minutes=10)


def delay(failures: int) -> timedelta:
    """10 s for the first failure, doubling for each further one, never more than the cap."""
    if failures <= 0:
        return timedelta(0)
    return min(BASE * 2 ** min(failures - 1, 16), CAP)


def finished_at(pod: Obj) -> datetime:
    """When a pod finished: its last container exit, else its Ready=False transition, else when it
    was deleted, else when it was created (Kubernetes' getFinishedTime)."""
    meta = pod.get("metadata", {})
    deleted = parse_time(meta.get("deletionTimestamp"))
    if deleted is not None:
        deleted -= timedelta(seconds=int(meta.get("deletionGracePeriodSeconds") or 0))
    for moment in (_containers_finished(pod), _not_ready_since(pod), deleted):
        if moment is not None:
            return moment
    return parse_time(meta.get("creationTimestamp")) or datetime.min


def _containers_finished(pod: Obj) -> datetime | None:
    times = []
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        finished = parse_time(((cs.get("state") or {}).get("terminated") or {}).get("finishedAt"))
        if finished is None:
            return None  # a container still runs (or never ran): the pod has not finished by its containers
        times.append(finished)
    return max(times, default=None)


def _not_ready_since(pod: Obj) -> datetime | None:
    ready = condition(pod, "Ready")
    if ready is None or ready.get("status") != "False":
        return None
    return parse_time(ready.get("lastTransitionTime"))


def retry_at(succeeded: Iterable[Obj], failed: Iterable[Obj]) -> datetime | None:
    """When the next replacement pod may be created, or None if no back-off applies."""
    last_success = max((finished_at(p) for p in succeeded), default=None)
    failures = sorted(t for t in (finished_at(p) for p in failed) if last_success is None or t > last_success)
    if not failures:
        return None
    return failures[-1] + delay(len(failures))
