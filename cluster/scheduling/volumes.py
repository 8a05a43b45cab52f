"""The scheduler's volume checks: a pod whose claims are missing or unbound waits, whatever the nodes.

kube-scheduler looks at a pod's PersistentVolumeClaims before it tries any node (the PreFilter
step of its VolumeRestrictions and VolumeBinding plugins). A claim that does not exist, or that
is not bound yet although its class binds immediately, cannot be fixed by choosing another
node, so every node is rejected for the same reason and the message names the reason once:

    0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption:
    0/3 nodes are available: 3 Preemption is not helpful for scheduling.

A claim whose class waits for its first consumer (`WaitForFirstConsumer`) does not hold the
pod back: the pod is scheduled, and its volume is then bound or made for the chosen node.
"""

from cluster.objects import Obj, is_terminating, name_of, namespace_of
from cluster.scheduling.filters import Rejection
from cluster.scheduling.messages import NO_NODES, preemption
from cluster.scheduling.pods import PodInfo, is_finished
from cluster.state import ClusterState

UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"


def claim_names(pod: Obj) -> list[str]:
    """The claims the pod's volumes name, in the order they are listed."""
    volumes = (pod.get("spec") or {}).get("volumes") or []
    return [str(v["persistentVolumeClaim"].get("claimName", "")) for v in volumes
            if isinstance(v.get("persistentVolumeClaim"), dict)]


def consumers(claim: Obj, state: ClusterState) -> list[Obj]:
    """The pods (not finished, not being deleted) that use the claim."""
    return [pod for pod in state.of_kind("Pod", "", namespace_of(claim))
            if name_of(claim) in claim_names(pod) and not is_finished(pod) and not is_terminating(pod)]


def waits_for_consumer(claim: Obj, state: ClusterState) -> bool:
    spec = claim.get("spec") or {}
    name = spec.get("storageClassName") or ""
    storage_class = state.get("StorageClass", "", name, "storage.k8s.io") if name else None
    return storage_class is not None and storage_class.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER


def refusal(pod: Obj, state: ClusterState) -> str | None:
    """Why no node can take the pod because of its claims, in kube-scheduler's words; None if they allow it."""
    unbound = False
    for name in claim_names(pod):
        claim = state.get("PersistentVolumeClaim", namespace_of(pod), name)
        if claim is None:
            return f'persistentvolumeclaim "{name}" not found'
        if is_terminating(claim):
            return f'persistentvolumeclaim "{name}" is being deleted'
        bound = bool((claim.get("spec") or {}).get("volumeName"))
        unbound = unbound or (not bound and not waits_for_consumer(claim, state))
    return UNBOUND_IMMEDIATE if unbound else None


def fit_error(pod: PodInfo, reason: str, nodes: list[str]) -> str:
    """The FailedScheduling message when a check before the nodes said no: the reason once, not per node."""
    if not nodes:
        return NO_NODES
    rejections = {node: Rejection((reason,)) for node in nodes}
    return f"0/{len(nodes)} nodes are available: {reason}. preemption: {preemption(pod, rejections)}"
