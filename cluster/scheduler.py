"""kube-scheduler, simulated: give every pending pod a node.

A pod waits for this scheduler when it names `default-scheduler`, has no `spec.nodeName`, and
is neither being deleted, finished, nor held back by scheduling gates. One call:
1. takes a snapshot of the nodes: what each offers and what its pods already request;
2. goes through the waiting pods, higher priority first, then the one waiting longest;
3. for each pod, runs every node through the filters (`cluster.scheduling.filters`), scores
   the nodes no filter rejected (`cluster.scheduling.scoring`) and takes the best;
4. binds the pod there (`spec.nodeName` and PodScheduled=True, plus a `Scheduled` event) and
   counts it on that node, so the pods after it in the same call see it;
5. or, when no node is left, sets PodScheduled=False (reason Unschedulable) with the
   "0/3 nodes are available: ..." message and emits it as a FailedScheduling warning, unless
   the pod already says exactly that: a second call on the same state returns nothing.

`explain(pod, state)` gives the diagram every node's verdict on one pod.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster.actions import Action, Emit, Update
from cluster.objects import Obj, condition, copy, name_of, namespace_of, rfc3339, set_condition, uid_of
from cluster.scheduling import volumes
from cluster.scheduling.filters import Reason, Rejection, run_filters
from cluster.scheduling.messages import fit_error
from cluster.scheduling.nodes import NodeInfo, snapshot
from cluster.scheduling.pods import SCHEDULER_NAME, PodInfo, is_pending, queue_order
from cluster.scheduling.scoring import best
from cluster.state import ClusterState

POD_SCHEDULED = "PodScheduled"
UNSCHEDULABLE = "Unschedulable"  # the PodScheduled condition's reason when no node fits


class EventReason(StrEnum):
    SCHEDULED = "Scheduled"
    FAILED_SCHEDULING = "FailedScheduling"


@dataclass(frozen=True)
class Decision:
    """Where a pod goes (None: nowhere), and why each rejected node said no."""

    node: str | None
    rejections: Mapping[str, Rejection]


def reconcile(state: ClusterState) -> list[Action]:
    nodes = snapshot(state)
    actions: list[Action] = []
    for pod in sorted(filter(is_pending, state.of_kind("Pod")), key=queue_order):
        refusal = volumes.refusal(pod, state)  # checked before any node, as kube-scheduler's PreFilter
        if refusal is not None:
            actions += unschedulable(pod, volumes.fit_error(PodInfo.of(pod), refusal, list(nodes)), state.now)
            continue
        actions += schedule_one(PodInfo.of(pod), nodes, state.now)
    return actions


def schedule_one(pod: PodInfo, nodes: Mapping[str, NodeInfo], now: datetime) -> list[Action]:
    """Decide for one pod and return the actions that record it; a bound pod is counted on its node."""
    decision = schedule(pod, nodes)
    if decision.node is None:
        return unschedulable(pod.obj, fit_error(pod, decision.rejections), now)
    nodes[decision.node].assume(pod)
    return bind(pod.obj, decision.node, now, fitting=len(nodes) - len(decision.rejections), total=len(nodes))


def schedule(pod: PodInfo, nodes: Mapping[str, NodeInfo]) -> Decision:
    rejections: dict[str, Rejection] = {}
    feasible: list[NodeInfo] = []
    for node in nodes.values():
        rejection = run_filters(pod, node)
        if rejection is None:
            feasible.append(node)
        else:
            rejections[node.name] = rejection
    chosen = best(pod, feasible)
    return Decision(chosen.name if chosen else None, rejections)


def bind(pod: Obj, node: str, now: datetime, *, fitting: int, total: int) -> list[Action]:
    """What the pods/binding subresource does: set the node and PodScheduled=True."""
    bound = copy(pod)
    bound["spec"]["nodeName"] = node
    set_condition(bound.setdefault("status", {}), pod_scheduled("True", now))
    key = f"{namespace_of(pod)}/{name_of(pod)}"
    return [Update(bound, narration=f"Scheduler: {key} goes to {node}, the least allocated of the "
                                    f"{fitting} of {total} nodes that fit it"),
            Emit(pod, EventReason.SCHEDULED, f"Successfully assigned {key} to {node}", SCHEDULER_NAME)]


def unschedulable(pod: Obj, message: str, now: datetime) -> list[Action]:
    """Record that no node fits, unless the pod already says so in the same words."""
    wanted = pod_scheduled("False", now, reason=UNSCHEDULABLE, message=message)
    if _says(condition(pod, POD_SCHEDULED), wanted):
        return []
    failed = copy(pod)
    set_condition(failed.setdefault("status", {}), wanted)
    return [Update(failed, narration=f"Scheduler: {namespace_of(pod)}/{name_of(pod)} fits on no node: {message}"),
            Emit(pod, EventReason.FAILED_SCHEDULING, message, SCHEDULER_NAME, type="Warning")]


def pod_scheduled(status: str, now: datetime, **why: str) -> dict[str, Any]:
    # Kubernetes 1.34+ also sets observedGeneration here (PodObservedGenerationTracking); KubeLab's
    # pod conditions leave it out until the kubelet sets it too and binding stops bumping generation.
    return {"type": POD_SCHEDULED, "status": status, "lastProbeTime": None, "lastTransitionTime": rfc3339(now),
            **why}


def _says(current: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    return current is not None and all(current.get(k) == wanted[k] for k in ("status", "reason", "message"))


def explain(pod: Obj, state: ClusterState) -> dict[str, str | None]:
    """For the diagram: each node's name, with why it cannot take `pod` (None: it can).

    The pod itself is left out of what its own node has to carry, so a running pod shows
    its node as fitting. An untolerated taint is named, as Kubernetes named it before 1.35.
    """
    info = PodInfo.of(pod)
    nodes = snapshot(state, leaving_out=uid_of(pod))
    return {name: describe(run_filters(info, node)) for name, node in nodes.items()}


def describe(rejection: Rejection | None) -> str | None:
    if rejection is None:
        return None
    if rejection.taint is not None:
        return f"{Reason.UNTOLERATED_TAINT.removesuffix('(s)')} {{{rejection.taint.key}: {rejection.taint.value}}}"
    return str(rejection)
