"""A StatefulSet's status: how many pods exist, are ready, available, and at which revision.

`currentRevision` is the revision the set's pods were at before the update in progress,
`updateRevision` the one they are moving to; `currentReplicas` and `updatedReplicas` count
the pods at each. When every pod is updated and ready, the rolling update is complete and
the current revision becomes the update revision. `kubectl rollout status sts/web` reads
these, and `kubectl get sts` prints READY as `readyReplicas/spec.replicas`.
"""

from datetime import datetime
from typing import Any

from cluster.controllers import pods as podutil
from cluster.controllers.statefulset.identity import is_created, replica_count, revision_of, running_and_ready
from cluster.objects import Obj, is_terminating

ROLLING_UPDATE = "RollingUpdate"
# The fields Go omits from the JSON when they are zero (`omitempty`).
OMITTED_WHEN_ZERO = ("readyReplicas", "currentReplicas", "updatedReplicas", "observedGeneration")


def calculate(sts: Obj, pods: list[Obj], current: str, update: str, collisions: int, now: datetime) -> dict[str, Any]:
    """updateStatus and completeRollingUpdate, over the set's pods (those not yet created do not count)."""
    min_ready = int(sts["spec"].get("minReadySeconds", 0))
    made = [p for p in pods if is_created(p)]
    ready = [p for p in made if running_and_ready(p)]
    settled = [p for p in made if not is_terminating(p)]
    status: dict[str, Any] = {
        "observedGeneration": sts["metadata"].get("generation", 1), "replicas": len(made),
        "readyReplicas": len(ready),
        "availableReplicas": sum(1 for p in ready if podutil.is_available(p, min_ready, now)),
        "currentReplicas": sum(1 for p in settled if revision_of(p) == current),
        "updatedReplicas": sum(1 for p in settled if revision_of(p) == update),
        "currentRevision": current, "updateRevision": update, "collisionCount": collisions}
    complete_rolling_update(sts, status)
    return {k: v for k, v in status.items() if v or k not in OMITTED_WHEN_ZERO}


def complete_rolling_update(sts: Obj, status: dict[str, Any]) -> None:
    """Every pod updated and ready: the update revision becomes the current one."""
    strategy = (sts["spec"].get("updateStrategy") or {}).get("type")
    wanted = replica_count(sts)
    if strategy == ROLLING_UPDATE and status["updatedReplicas"] == status["readyReplicas"] == status["replicas"] \
            == wanted:
        status["currentReplicas"] = status["updatedReplicas"]
        status["currentRevision"] = status["updateRevision"]


def wake_times(sts: Obj, pods: list[Obj], now: datetime) -> list[datetime]:
    """When ready pods become available: the set wants another look then."""
    min_ready = int(sts["spec"].get("minReadySeconds", 0))
    if not min_ready:
        return []
    return [t for p in pods if (t := podutil.available_at(p, min_ready)) is not None and t > now]
