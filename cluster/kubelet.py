"""The simulated kubelet: every node's agent, as one table of stages.

On a real cluster each node runs a kubelet that registers the node, renews its heartbeat
Lease, and starts and stops the pods bound to it. Here no container runs: the kubelet is
the table `STAGES` (see `cluster.stages`), and one call moves each node and pod at most
one step along it, or asks to be woken up when its next step is due.
"""

from cluster.actions import Action
from cluster.stages import Round, Stage, heartbeat, node, pod, run
from cluster.state import ClusterState

# Nodes before pods: a pod only starts on a node whose kubelet has registered it.
STAGES: tuple[Stage, ...] = (*node.STAGES, *heartbeat.STAGES, *pod.STAGES)


def reconcile(state: ClusterState) -> list[Action]:
    return run(STAGES, Round(state))
