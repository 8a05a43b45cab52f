"""What a kubelet writes into `pod.status` at each step of a pod's life on its node.

The pod's phase says where it is overall (Pending, Running, Succeeded, Failed); its
conditions say which gates it has passed (scheduled, sandbox ready, initialized, containers
ready, ready); each container's status says what that container is doing (waiting with a
reason such as ContainerCreating, running since a time, terminated with an exit code).
These builders are pure: they take the old status and return a new one.
"""

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster.objects import Obj, rfc3339, set_condition
from cluster.stages import images


class Phase(StrEnum):
    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


class PodCondition(StrEnum):
    READY_TO_START = "PodReadyToStartContainers"
    INITIALIZED = "Initialized"
    READY = "Ready"
    CONTAINERS_READY = "ContainersReady"
    SCHEDULED = "PodScheduled"


class Reason(StrEnum):
    CONTAINER_CREATING = "ContainerCreating"
    CONTAINERS_NOT_READY = "ContainersNotReady"
    POD_COMPLETED = "PodCompleted"
    COMPLETED = "Completed"


FINISHED = (Phase.SUCCEEDED, Phase.FAILED)
# The order a kubelet lists pod conditions in (kubectl describe shows them so).
CONDITION_ORDER = tuple(PodCondition)


def pod_condition(kind: PodCondition, status: bool, now: datetime, reason: str = "",
                  message: str = "") -> dict[str, Any]:
    cond: dict[str, Any] = {"type": str(kind), "status": "True" if status else "False", "lastProbeTime": None,
                            "lastTransitionTime": rfc3339(now)}
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def with_conditions(status: dict[str, Any], conditions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Set each condition (keeping lastTransitionTime when it did not flip), in the kubelet's order."""
    for cond in conditions:
        set_condition(status, cond)
    rank = {kind: i for i, kind in enumerate(CONDITION_ORDER)}
    status["conditions"] = sorted(status["conditions"], key=lambda c: rank.get(c["type"], len(rank)))
    return status


def readiness(ready: bool, names: Iterable[str], now: datetime,
              reason: str = Reason.CONTAINERS_NOT_READY) -> list[dict[str, Any]]:
    """The Ready and ContainersReady pair; while containers are not ready, they name them."""
    if ready:
        return [pod_condition(PodCondition.READY, True, now), pod_condition(PodCondition.CONTAINERS_READY, True, now)]
    message = f"containers with unready status: [{' '.join(names)}]" if reason == Reason.CONTAINERS_NOT_READY else ""
    return [pod_condition(kind, False, now, reason, message)
            for kind in (PodCondition.READY, PodCondition.CONTAINERS_READY)]


def containers(pod: Obj) -> list[dict[str, Any]]:
    return [c for c in (pod.get("spec") or {}).get("containers") or [] if isinstance(c, dict)]


def by_name(statuses: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Kubelets sort containerStatuses by container name."""
    return sorted(statuses, key=lambda cs: str(cs.get("name", "")))


def waiting(container: dict[str, Any]) -> dict[str, Any]:
    return {"image": container.get("image", ""), "imageID": "", "lastState": {}, "name": container.get("name", ""),
            "ready": False, "restartCount": 0, "started": False,
            "state": {"waiting": {"reason": str(Reason.CONTAINER_CREATING)}}}


def running(container: dict[str, Any], pod_uid: str, now: datetime) -> dict[str, Any]:
    image = str(container.get("image", ""))
    return {"containerID": images.container_id(pod_uid, str(container.get("name", ""))),
            "image": images.reference(image), "imageID": images.image_id(image), "lastState": {},
            "name": container.get("name", ""), "ready": True, "restartCount": 0, "started": True,
            "state": {"running": {"startedAt": rfc3339(now)}}}


def terminated(status: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A container stopped on request: it exited cleanly on SIGTERM."""
    started_at = (status.get("state") or {}).get("running", {}).get("startedAt")
    end = {"containerID": status.get("containerID", ""), "exitCode": 0, "finishedAt": rfc3339(now),
           "reason": str(Reason.COMPLETED), "startedAt": started_at or rfc3339(now)}
    return {**status, "ready": False, "started": False, "state": {"terminated": end}}


def is_running(status: dict[str, Any]) -> bool:
    return "running" in (status.get("state") or {})


def accepted(pod: Obj, host_ip: str, now: datetime) -> dict[str, Any]:
    """The kubelet took the pod: Pending, its containers waiting in ContainerCreating."""
    status = {**(pod.get("status") or {}), "phase": str(Phase.PENDING), "hostIP": host_ip,
              "hostIPs": [{"ip": host_ip}], "startTime": rfc3339(now),
              "containerStatuses": by_name(waiting(c) for c in containers(pod))}
    names = [str(c.get("name", "")) for c in containers(pod)]
    return with_conditions(status, [
        pod_condition(PodCondition.READY_TO_START, False, now), pod_condition(PodCondition.INITIALIZED, True, now),
        *readiness(False, names, now), pod_condition(PodCondition.SCHEDULED, True, now)])


def sandbox_ready(pod: Obj, pod_ip: str, now: datetime) -> dict[str, Any]:
    """The pod's sandbox (network namespace, IP) exists; its images are being pulled."""
    status = {**(pod.get("status") or {}), "podIP": pod_ip, "podIPs": [{"ip": pod_ip}]}
    return with_conditions(status, [pod_condition(PodCondition.READY_TO_START, True, now)])


def started(pod: Obj, now: datetime) -> dict[str, Any]:
    """Every container runs; with no readiness probe a started container is ready at once."""
    uid = str(pod.get("metadata", {}).get("uid", ""))
    status = {**(pod.get("status") or {}), "phase": str(Phase.RUNNING),
              "containerStatuses": by_name(running(c, uid, now) for c in containers(pod))}
    return with_conditions(status, readiness(True, [], now))


def stopped(pod: Obj, now: datetime) -> dict[str, Any]:
    """Every container exited on request: the pod is finished (Succeeded) and its sandbox gone."""
    old = (pod.get("status") or {}).get("containerStatuses") or []
    statuses = by_name(terminated(cs, now) if is_running(cs) else cs for cs in old)
    status = {**(pod.get("status") or {}), "phase": str(Phase.SUCCEEDED), "containerStatuses": statuses}
    names = [str(cs.get("name", "")) for cs in statuses]
    return with_conditions(status, [pod_condition(PodCondition.READY_TO_START, False, now),
                                    *readiness(False, names, now, reason=Reason.POD_COMPLETED)])
