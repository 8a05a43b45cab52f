"""A Deployment's conditions: is it Available, and is its rollout Progressing?

`Available` says whether at least `replicas - maxUnavailable` pods are available.
`Progressing` tells the story of the current rollout: a new ReplicaSet was created or found,
it is being scaled (`ReplicaSetUpdated`), it is done (`NewReplicaSetAvailable`), the rollout is
paused or resumed, or nothing moved for `progressDeadlineSeconds` (`ProgressDeadlineExceeded`:
`kubectl rollout status` then gives up). `lastUpdateTime` moves whenever the condition is
rewritten; `lastTransitionTime` only when its status flips.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster.objects import rfc3339


class ConditionType(StrEnum):
    AVAILABLE = "Available"
    PROGRESSING = "Progressing"
    REPLICA_FAILURE = "ReplicaFailure"


class Reason(StrEnum):
    MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
    MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"
    NEW_RS_CREATED = "NewReplicaSetCreated"
    FOUND_NEW_RS = "FoundNewReplicaSet"
    RS_UPDATED = "ReplicaSetUpdated"
    NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
    TIMED_OUT = "ProgressDeadlineExceeded"
    PAUSED = "DeploymentPaused"
    RESUMED = "DeploymentResumed"


def new_condition(kind: str, status: str, reason: str, message: str, now: datetime) -> dict[str, Any]:
    moment = rfc3339(now)
    return {"type": str(kind), "status": status, "lastUpdateTime": moment, "lastTransitionTime": moment,
            "reason": str(reason), "message": message}


def get_condition(status: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for cond in status.get("conditions") or []:
        if cond.get("type") == kind:
            return dict(cond)
    return None


def set_condition(status: dict[str, Any], new: dict[str, Any]) -> None:
    """SetDeploymentCondition: same status and reason is no news; a rewrite moves it to the end."""
    current = get_condition(status, new["type"])
    if current is not None and current.get("status") == new["status"] and current.get("reason") == new["reason"]:
        return
    if current is not None and current.get("status") == new["status"]:
        new = {**new, "lastTransitionTime": current.get("lastTransitionTime", new["lastTransitionTime"])}
    status["conditions"] = [*_without(status, new["type"]), new]


def remove_condition(status: dict[str, Any], kind: str) -> None:
    if get_condition(status, kind) is not None:
        status["conditions"] = _without(status, kind)


def _without(status: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in status.get("conditions") or [] if c.get("type") != kind]
