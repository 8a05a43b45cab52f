"""One node as the scheduler sees it: what it offers and what is already asked of it.

A node offers `status.allocatable` (its capacity minus what the system keeps for itself): cpu,
memory and a number of pods. What is asked of it is the sum of the requests of the pods bound
to it that have not finished; a pod being deleted still counts until it is gone. A snapshot
is built once per scheduling pass, then each pod the pass binds is added to its node
(`assume`), so the next pod sees it without the scheduler rescanning every pod.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from cluster.objects import Obj, name_of, uid_of
from cluster.scheduling.pods import PodInfo, is_finished
from cluster.scheduling.resources import NOTHING, Requests, bytes_of, millicores, pod_requests
from cluster.scheduling.taints import Taint, node_taints
from cluster.state import ClusterState


@dataclass(slots=True)
class NodeInfo:
    name: str
    labels: Mapping[str, str]
    unschedulable: bool
    taints: tuple[Taint, ...]
    allocatable: Requests
    allowed_pods: int
    requested: Requests = NOTHING
    non_zero_requested: Requests = NOTHING
    pods: int = 0

    @classmethod
    def of(cls, node: Obj) -> "NodeInfo":
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        offered = Requests(millicores(str(allocatable.get("cpu", "0"))), bytes_of(str(allocatable.get("memory", "0"))))
        return cls(name_of(node), dict(node.get("metadata", {}).get("labels") or {}),
                   bool((node.get("spec") or {}).get("unschedulable")), node_taints(node),
                   offered, bytes_of(str(allocatable.get("pods", "0"))))

    def add(self, requests: Requests, non_zero: Requests) -> None:
        self.requested += requests
        self.non_zero_requested += non_zero
        self.pods += 1

    def assume(self, pod: PodInfo) -> None:
        """Count a pod just bound here, before the store has written it."""
        self.add(pod.requests, pod.non_zero)


def snapshot(state: ClusterState, *, leaving_out: str = "") -> dict[str, NodeInfo]:
    """Every node by name (sorted), with the requests of the pods bound to it (but `leaving_out`, a uid)."""
    nodes = {info.name: info for info in sorted(map(NodeInfo.of, state.of_kind("Node")), key=lambda n: n.name)}
    for pod in state.of_kind("Pod"):
        node = nodes.get((pod.get("spec") or {}).get("nodeName") or "")
        if node is not None and not is_finished(pod) and uid_of(pod) != leaving_out:
            node.add(pod_requests(pod), pod_requests(pod, non_zero=True))
    return nodes
