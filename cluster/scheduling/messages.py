"""The sentence kube-scheduler writes when a pod fits on no node, as `kubectl describe` shows it:

    0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s). no new claims
    to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming
    pod, 2 Preemption is not helpful for scheduling.

1. Each node's rejection reasons are counted over all nodes; the "count reason" strings are
   sorted as text and joined with ", " (Kubernetes' FitError).
2. The PostFilter plugins then add theirs, joined with ", ": DynamicResources says it has no
   ResourceClaims to free, and DefaultPreemption says, node by node, whether evicting
   lower-priority pods could help (or that the pod may not preempt at all).

### ATTENTION ###
Preemption itself is not simulated: where it could help, the message says no victims were found.
"""

from collections import Counter
from collections.abc import Iterable, Mapping

from cluster.scheduling.filters import Rejection
from cluster.scheduling.pods import PodInfo

NO_NODES = "no nodes available to schedule pods"
NO_CLAIMS = "no new claims to deallocate"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
NEVER = "not eligible due to preemptionPolicy=Never."


def fit_error(pod: PodInfo, rejections: Mapping[str, Rejection]) -> str:
    """Why `pod` fits nowhere, given every node's rejection (by node name)."""
    if not rejections:
        return NO_NODES
    reasons = (reason for rejection in rejections.values() for reason in rejection.reasons)
    return f"{available(len(rejections), reasons)} {NO_CLAIMS}, preemption: {preemption(pod, rejections)}"


def available(total: int, reasons: Iterable[str]) -> str:
    histogram = sorted(f"{count} {reason}" for reason, count in Counter(reasons).items())
    return f"0/{total} nodes are available: {', '.join(histogram)}."


def preemption(pod: PodInfo, rejections: Mapping[str, Rejection]) -> str:
    if not pod.preempts:
        return NEVER
    return available(len(rejections), (NO_VICTIMS if r.resolvable else NOT_HELPFUL for r in rejections.values()))
