"""The filters: each looks at one pod and one node and says why the node cannot take the pod.

They run in kube-scheduler's order (NodeUnschedulable, NodeName, TaintToleration,
NodeAffinity, NodeResourcesFit) and the first one that rejects a node decides its reason,
so a cordoned node full of pods reads "node(s) were unschedulable", not "Insufficient cpu".
A filter returns None when the node fits, or a Rejection carrying Kubernetes' own words.

A rejection also records whether preemption could ever help. Evicting lower-priority pods
frees cpu and memory, so "Insufficient cpu" on a node big enough for the pod is resolvable;
a taint, a label mismatch, a cordon, or a pod bigger than the whole node is not. The
"preemption: ..." half of the FailedScheduling message reports that difference.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cluster.scheduling.nodes import NodeInfo
from cluster.scheduling.pods import PodInfo
from cluster.scheduling.taints import UNSCHEDULABLE, Effect, Taint, first_untolerated, tolerated


class Reason(StrEnum):
    """The reasons kube-scheduler's filter plugins give, word for word."""

    UNSCHEDULABLE = "node(s) were unschedulable"
    NODE_NAME = "node(s) didn't match the requested node name"
    # Since Kubernetes 1.35 (and 1.34.2) the message no longer names the taint: its key and value
    # may be sensitive. `explain` still names it for the diagram.
    UNTOLERATED_TAINT = "node(s) had untolerated taint(s)"
    NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
    TOO_MANY_PODS = "Too many pods"
    INSUFFICIENT_CPU = "Insufficient cpu"
    INSUFFICIENT_MEMORY = "Insufficient memory"


@dataclass(frozen=True, slots=True)
class Rejection:
    reasons: tuple[str, ...]
    resolvable: bool = False  # could evicting lower-priority pods make the node fit?
    taint: Taint | None = None  # the taint behind UNTOLERATED_TAINT, for explanations

    def __str__(self) -> str:
        return ", ".join(self.reasons)


Filter = Callable[[PodInfo, NodeInfo], Rejection | None]

_CORDON = Taint(UNSCHEDULABLE, "", Effect.NO_SCHEDULE)


def node_unschedulable(pod: PodInfo, node: NodeInfo) -> Rejection | None:
    """A cordoned node takes only pods that tolerate node.kubernetes.io/unschedulable."""
    if node.unschedulable and not tolerated(_CORDON, pod.tolerations):
        return Rejection((Reason.UNSCHEDULABLE,))
    return None


def node_name(pod: PodInfo, node: NodeInfo) -> Rejection | None:
    if pod.node_name and pod.node_name != node.name:
        return Rejection((Reason.NODE_NAME,))
    return None


def taint_toleration(pod: PodInfo, node: NodeInfo) -> Rejection | None:
    taint = first_untolerated(node.taints, pod.tolerations)
    return None if taint is None else Rejection((Reason.UNTOLERATED_TAINT,), taint=taint)


def node_affinity(pod: PodInfo, node: NodeInfo) -> Rejection | None:
    if pod.constraint.empty or pod.constraint.matches(node.name, node.labels):
        return None
    return Rejection((Reason.NODE_AFFINITY,))


def resources_fit(pod: PodInfo, node: NodeInfo) -> Rejection | None:
    """NodeResourcesFit: room for one more pod, and for the pod's cpu and memory requests."""
    free = node.allocatable - node.requested
    reasons = []
    if node.pods + 1 > node.allowed_pods:
        reasons.append(Reason.TOO_MANY_PODS)
    if pod.requests.cpu > 0 and pod.requests.cpu > free.cpu:
        reasons.append(Reason.INSUFFICIENT_CPU)
    if pod.requests.memory > 0 and pod.requests.memory > free.memory:
        reasons.append(Reason.INSUFFICIENT_MEMORY)
    if not reasons:
        return None
    return Rejection(tuple(reasons), resolvable=not _larger_than(pod, node))


def _larger_than(pod: PodInfo, node: NodeInfo) -> bool:
    """Even an empty node would not fit the pod (Kubernetes 1.34: UnschedulableAndUnresolvable)."""
    return pod.requests.cpu > node.allocatable.cpu or pod.requests.memory > node.allocatable.memory


FILTERS: tuple[Filter, ...] = (node_unschedulable, node_name, taint_toleration, node_affinity, resources_fit)


def run_filters(pod: PodInfo, node: NodeInfo) -> Rejection | None:
    """The first filter's rejection, as kube-scheduler stops at the first plugin that says no."""
    for check in FILTERS:
        rejection = check(pod, node)
        if rejection is not None:
            return rejection
    return None
