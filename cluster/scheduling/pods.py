"""One pod as the scheduler sees it: what it asks for and where it may go, read once.

The scheduler asks the same questions of a pod for every node (does it tolerate this taint?
do the labels match its selector?), so it reads the answers' inputs once, before the loop.
"""

from dataclasses import dataclass
from enum import StrEnum

from cluster.objects import Obj, is_terminating, parse_time
from cluster.scheduling.affinity import NodeConstraint
from cluster.scheduling.resources import Requests, pod_requests
from cluster.scheduling.taints import Toleration, tolerations_of

SCHEDULER_NAME = "default-scheduler"


class Phase(StrEnum):
    PENDING = "Pending"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


FINISHED = (Phase.SUCCEEDED, Phase.FAILED)


@dataclass(frozen=True, slots=True)
class PodInfo:
    obj: Obj
    requests: Requests
    non_zero: Requests  # for scoring only: see `resources`
    node_name: str
    tolerations: tuple[Toleration, ...]
    constraint: NodeConstraint
    preempts: bool  # preemptionPolicy is not Never

    @classmethod
    def of(cls, pod: Obj) -> "PodInfo":
        spec = pod.get("spec") or {}
        return cls(pod, pod_requests(pod), pod_requests(pod, non_zero=True), str(spec.get("nodeName") or ""),
                   tolerations_of(pod), NodeConstraint.of(pod), spec.get("preemptionPolicy") != "Never")


def is_finished(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in FINISHED


def is_pending(pod: Obj) -> bool:
    """Waiting for this scheduler: no node yet, not being deleted, not finished, not gated."""
    spec = pod.get("spec") or {}
    return (not spec.get("nodeName") and spec.get("schedulerName", SCHEDULER_NAME) == SCHEDULER_NAME
            and not spec.get("schedulingGates") and not is_terminating(pod) and not is_finished(pod))


def queue_order(pod: Obj) -> tuple[int, str, str, str]:
    """Kubernetes' PrioritySort: higher priority first, then the pod that has waited longest."""
    created = parse_time(pod["metadata"].get("creationTimestamp"))
    return (-int((pod.get("spec") or {}).get("priority") or 0), created.isoformat() if created else "",
            str(pod["metadata"].get("namespace", "")), str(pod["metadata"].get("name", "")))
