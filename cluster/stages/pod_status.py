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
    ERROR = "Error"
    OOM_KILLED = "OOMKilled"
    CRASH_LOOP = "CrashLoopBackOff"
    ERR_IMAGE_PULL = "ErrImagePull"
    IMAGE_PULL_BACK_OFF = "ImagePullBackOff"
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


def running(container: dict[str, Any], pod_uid: str, now: datetime, *, restart_count: int = 0,
            last_state: dict[str, Any] | None = None, ready: bool = True) -> dict[str, Any]:
    """A started container; `ready` is False while a readiness probe has yet to succeed."""
    image, name = str(container.get("image", "")), str(container.get("name", ""))
    return {"containerID": images.container_id(pod_uid, name, restart_count),
            "image": images.reference(image), "imageID": images.image_id(image), "lastState": last_state or {},
            "name": name, "ready": ready, "restartCount": restart_count, "started": True,
            "state": {"running": {"startedAt": rfc3339(now)}}}


def exited(status: dict[str, Any], exit_code: int, reason: str, finished: datetime) -> dict[str, Any]:
    """The container's process ended (by itself, OOM-killed, or killed by the kubelet)."""
    started_at = (status.get("state") or {}).get("running", {}).get("startedAt")
    end = {"containerID": status.get("containerID", ""), "exitCode": exit_code, "finishedAt": rfc3339(finished),
           "reason": str(reason), "startedAt": started_at or rfc3339(finished)}
    return {**status, "ready": False, "started": False, "state": {"terminated": end}}


def terminated(status: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A container stopped on request: it exited cleanly on SIGTERM."""
    return exited(status, 0, Reason.COMPLETED, now)


def waiting_as(status: dict[str, Any], reason: str, message: str = "") -> dict[str, Any]:
    """Waiting to (re)start; a container that ran keeps its last run in `lastState`."""
    state = status.get("state") or {}
    last = {"terminated": state["terminated"]} if "terminated" in state else status.get("lastState") or {}
    waiting = {"reason": str(reason), **({"message": message} if message else {})}
    return {**status, "lastState": last, "ready": False, "started": False, "state": {"waiting": waiting}}


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


def phase_of(pod: Obj, statuses: list[dict[str, Any]]) -> str:
    """The pod's phase from its containers' states, as the kubelet's getPhase works it out."""
    waiting = running_count = stopped_count = succeeded = 0
    for cs in statuses:
        state = cs.get("state") or {}
        if "running" in state:
            running_count += 1
        elif "terminated" in state:
            stopped_count += 1
            succeeded += state["terminated"].get("exitCode") == 0
        elif (cs.get("lastState") or {}).get("terminated"):
            stopped_count += 1  # waiting to restart after it ran
        else:
            waiting += 1
    if waiting or not statuses:
        return str(Phase.PENDING)
    if running_count:
        return str(Phase.RUNNING)
    policy = (pod.get("spec") or {}).get("restartPolicy", "Always")
    if policy == "Always":
        return str(Phase.RUNNING)  # every container is on its way back
    if stopped_count == succeeded:
        return str(Phase.SUCCEEDED)
    return str(Phase.FAILED if policy == "Never" else Phase.RUNNING)


def summarized(pod: Obj, statuses: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """The pod status for these container statuses: phase, then the Ready and ContainersReady conditions."""
    phase = phase_of(pod, statuses)
    status = {**(pod.get("status") or {}), "phase": phase, "containerStatuses": by_name(statuses)}
    if phase in FINISHED:
        names = [str(cs.get("name", "")) for cs in statuses]
        return with_conditions(status, [pod_condition(PodCondition.READY_TO_START, False, now),
                                        *readiness(False, names, now, reason=Reason.POD_COMPLETED)])
    unready = [str(cs.get("name", "")) for cs in by_name(statuses) if not cs.get("ready")]
    return with_conditions(status, readiness(not unready, unready, now))


def stopped(pod: Obj, now: datetime) -> dict[str, Any]:
    """Every container exited on request: the pod is finished (Succeeded) and its sandbox gone."""
    old = (pod.get("status") or {}).get("containerStatuses") or []
    statuses = by_name(terminated(cs, now) if is_running(cs) else cs for cs in old)
    status = {**(pod.get("status") or {}), "phase": str(Phase.SUCCEEDED), "containerStatuses": statuses}
    names = [str(cs.get("name", "")) for cs in statuses]
    return with_conditions(status, [pod_condition(PodCondition.READY_TO_START, False, now),
                                    *readiness(False, names, now, reason=Reason.POD_COMPLETED)])
