"""Scoring: among the nodes that can take a pod, pick the one with the most room left.

This is NodeResourcesFit's LeastAllocated strategy, kube-scheduler's default. For cpu and
memory, a node scores (allocatable - requested) * 100 / allocatable, where "requested"
includes the pod being placed and counts pods without requests as 100m / 200Mi (the
"non-zero" requests); the node's score is the mean of the two, in whole numbers as
Kubernetes computes it. The highest score wins, so pods spread across equal nodes.

Kubernetes breaks a tie at random; here the node whose name sorts first wins, so a lesson
plays out the same way every time.
"""

from collections.abc import Iterable

from cluster.scheduling.nodes import NodeInfo
from cluster.scheduling.pods import PodInfo

MAX_NODE_SCORE = 100


def least_requested(requested: int, allocatable: int) -> int:
    """Kubernetes' leastRequestedScore for one resource."""
    if allocatable == 0 or requested > allocatable:
        return 0
    return (allocatable - requested) * MAX_NODE_SCORE // allocatable


def least_allocated(pod: PodInfo, node: NodeInfo) -> int:
    requested = node.non_zero_requested + pod.non_zero
    cpu = least_requested(requested.cpu, node.allocatable.cpu)
    memory = least_requested(requested.memory, node.allocatable.memory)
    return (cpu + memory) // 2  # cpu and memory weigh 1 each


def best(pod: PodInfo, feasible: Iterable[NodeInfo]) -> NodeInfo | None:
    """The highest-scoring node; among equals, the first by name."""
    return min(feasible, key=lambda node: (-least_allocated(pod, node), node.name), default=None)
