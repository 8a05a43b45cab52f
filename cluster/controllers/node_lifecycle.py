"""Node lifecycle controller: notice a node that went silent, mark it, and taint it.

A kubelet proves it is alive by renewing its node's Lease in `kube-node-lease` every 10
seconds. On a real cluster, kube-controller-manager's node lifecycle controller watches
those renewals: when none came for the node-monitor grace period (40 s), it no longer
trusts what the node last said and sets every condition it reports (Ready, MemoryPressure,
DiskPressure, PIDPressure) to Unknown, "Kubelet stopped posting node status.". `kubectl get
nodes` then shows the node NotReady.

It also turns conditions into taints, so that the rest of the cluster reacts through one
mechanism:
* Ready Unknown -> `node.kubernetes.io/unreachable` (Ready False -> `.../not-ready`), both
  as NoExecute (the taint eviction controller deletes the pods that do not tolerate it,
  by default after 300 s) and as NoSchedule (the scheduler keeps new pods away);
* pressure conditions -> `memory-pressure`, `disk-pressure`, `pid-pressure` NoSchedule;
* `spec.unschedulable` (`kubectl cordon`) -> `node.kubernetes.io/unschedulable` NoSchedule.
When the kubelet comes back and reports Ready, the taints go.

When a node stops being Ready, the controller says so (event NodeNotReady on the node) and
marks its pods not Ready ("Node is not ready"), so Services stop sending them traffic.

Simulated time: a round may jump the clock (a learner skips ahead five minutes), so what
"would have happened" at the moment the grace period ran out is stamped with that moment,
not with the round's clock. A running kubelet renews its Lease in the same round, so a
jump never makes a healthy node look silent.

`countdown` tells the diagram when a node will be marked NotReady and when each of its
pods will be evicted.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from cluster.actions import Action, Emit, Update, WakeAt
from cluster.controllers import taint_eviction
from cluster.objects import Obj, condition, copy, is_terminating, name_of, namespace_of, parse_time, rfc3339
from cluster.scheduling.taints import NOT_READY, UNREACHABLE, UNSCHEDULABLE, Effect
from cluster.stages.heartbeat import GROUP as LEASE_GROUP
from cluster.stages.heartbeat import NAMESPACE as LEASE_NAMESPACE
from cluster.stages.node import kubelet_running
from cluster.state import ClusterState

COMPONENT = "node-controller"
# kube-controller-manager's --node-monitor-grace-period and --node-startup-grace-period.
GRACE_PERIOD = timedelta(seconds=40)
STARTUP_GRACE_PERIOD = timedelta(seconds=60)
# The conditions a kubelet owns; NetworkUnavailable belongs to the network plugin and is left alone.
KUBELET_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
STOPPED_POSTING = "Kubelet stopped posting node status."
NEVER_POSTED = "Kubelet never posted node status."
POD_NOT_READY_MESSAGE = "Node is not ready"


class Reason(StrEnum):
    STATUS_UNKNOWN = "NodeStatusUnknown"
    NEVER_UPDATED = "NodeStatusNeverUpdated"
    NODE_NOT_READY = "NodeNotReady"


# TaintNodesByCondition: which condition, in which status, keeps new pods off the node.
CONDITION_TAINTS = {
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
}
# Taint-based eviction: the Ready condition's status -> the NoExecute taint it brings.
READINESS_TAINTS = {"False": NOT_READY, "Unknown": UNREACHABLE}
MANAGED_NO_SCHEDULE = {*CONDITION_TAINTS.values(), UNSCHEDULABLE}
MANAGED_NO_EXECUTE = set(READINESS_TAINTS.values())


def reconcile(state: ClusterState) -> list[Action]:
    pods = pods_by_node(state)
    actions: list[Action] = []
    for node in sorted(state.of_kind("Node"), key=name_of):
        actions += sync(node, state, pods.get(name_of(node), []))
    return actions


def pods_by_node(state: ClusterState) -> dict[str, list[Obj]]:
    index: dict[str, list[Obj]] = {}
    for pod in state.of_kind("Pod"):
        index.setdefault((pod.get("spec") or {}).get("nodeName") or "", []).append(pod)
    return index


def sync(node: Obj, state: ClusterState, pods: list[Obj]) -> list[Action]:
    if is_terminating(node):
        return []
    new = copy(node)
    status = observed_status(node, state)
    if status or "status" in node:
        new["status"] = status
    set_taints(new, desired_taints(new, state.now))
    actions: list[Action] = []
    if new != node:
        actions.append(Update(new, narration=_story(node, new)))
    if is_ready(node) and not is_ready(new):
        actions.append(Emit(node, Reason.NODE_NOT_READY, f"Node {name_of(node)} status is now: NodeNotReady",
                            COMPONENT))
    if condition(new, "Ready") is not None and not is_ready(new):
        actions += mark_pods_not_ready(pods, state.now)
    return actions + _wake(node, state)


# --- health ----------------------------------------------------------------------------------

def is_ready(node: Obj) -> bool:
    ready = condition(node, "Ready")
    return ready is not None and ready.get("status") == "True"


def last_heard(node: Obj, state: ClusterState) -> datetime | None:
    """When the node's kubelet last proved it was alive: its Lease renewal, or its last status post.

    A running kubelet counts as heard now: it renews its Lease in this same round, and a jump of
    the sandbox clock must not make it look silent in between.
    """
    if kubelet_running(node):
        return state.now
    lease = state.get("Lease", LEASE_NAMESPACE, name_of(node), LEASE_GROUP) or {}
    times = [parse_time((lease.get("spec") or {}).get("renewTime")),
             parse_time((condition(node, "Ready") or {}).get("lastHeartbeatTime"))]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def silent_after(node: Obj, state: ClusterState) -> datetime | None:
    """When the grace period runs out (or ran out) for this node; None for a kubelet that runs."""
    if kubelet_running(node):
        return None
    if condition(node, "Ready") is None:
        created = parse_time(node.get("metadata", {}).get("creationTimestamp")) or state.now
        return created + STARTUP_GRACE_PERIOD
    heard = last_heard(node, state)
    return None if heard is None else heard + GRACE_PERIOD


def observed_status(node: Obj, state: ClusterState) -> dict[str, Any]:
    """The node's status, with the kubelet's conditions turned Unknown once it has been silent too long."""
    status = copy(node.get("status") or {})
    deadline = silent_after(node, state)
    if deadline is None or deadline > state.now:
        return status
    heard = last_heard(node, state)
    conditions = status.setdefault("conditions", [])
    for kind in KUBELET_CONDITIONS:
        current = next((c for c in conditions if c.get("type") == kind), None)
        if current is None:
            created = node.get("metadata", {}).get("creationTimestamp") or rfc3339(deadline)
            conditions.append(_unknown(kind, Reason.NEVER_UPDATED, NEVER_POSTED, created, deadline))
        elif current.get("status") != "Unknown":
            current.update(_unknown(kind, Reason.STATUS_UNKNOWN, STOPPED_POSTING,
                                    rfc3339(heard) if heard else current.get("lastHeartbeatTime"), deadline))
    return status


def _unknown(kind: str, reason: str, message: str, heartbeat: Any, moment: datetime) -> dict[str, Any]:
    # lastHeartbeatTime says when the kubelet was last heard from, so `kubectl describe node`
    # shows how long it has been silent.
    return {"type": kind, "status": "Unknown", "lastHeartbeatTime": heartbeat,
            "lastTransitionTime": rfc3339(moment), "reason": reason, "message": message}


# --- taints ----------------------------------------------------------------------------------

def managed(taint: dict[str, Any]) -> bool:
    """Taints this controller owns: it adds and removes them; any other taint is the learner's."""
    key, effect = taint.get("key"), taint.get("effect")
    return (effect == Effect.NO_SCHEDULE and key in MANAGED_NO_SCHEDULE) or (
        effect == Effect.NO_EXECUTE and key in MANAGED_NO_EXECUTE)


def wanted_taints(node: Obj) -> list[tuple[str, str, datetime | None]]:
    """(key, effect, since) for each taint the node's conditions and spec call for, NoExecute first."""
    conditions = (node.get("status") or {}).get("conditions") or []
    ready = condition(node, "Ready") or {}
    wanted: list[tuple[str, str, datetime | None]] = []
    if ready.get("status") in READINESS_TAINTS:
        wanted.append((READINESS_TAINTS[ready["status"]], Effect.NO_EXECUTE,
                       parse_time(ready.get("lastTransitionTime"))))
    for cond in conditions:
        key = CONDITION_TAINTS.get((cond.get("type"), cond.get("status")))
        if key:
            wanted.append((key, Effect.NO_SCHEDULE, parse_time(cond.get("lastTransitionTime"))))
    if (node.get("spec") or {}).get("unschedulable"):
        wanted.append((UNSCHEDULABLE, Effect.NO_SCHEDULE, None))
    return wanted


def desired_taints(node: Obj, now: datetime) -> list[dict[str, Any]]:
    """The node's taints: its own ones kept as they are, the managed ones made to match its state."""
    current = [t for t in (node.get("spec") or {}).get("taints") or [] if isinstance(t, dict)]
    wanted = wanted_taints(node)
    wanted_keys = {(key, effect) for key, effect, _ in wanted}
    kept = [t for t in current if not managed(t) or (t.get("key"), t.get("effect")) in wanted_keys]
    present = {(t.get("key"), t.get("effect")) for t in kept}
    added = [{"key": key, "effect": effect, "timeAdded": rfc3339(min(since or now, now))}
             for key, effect, since in wanted if (key, effect) not in present]
    return kept + added


def set_taints(node: Obj, taints: list[dict[str, Any]]) -> None:
    spec = node.setdefault("spec", {})
    if taints:
        spec["taints"] = taints
    else:
        spec.pop("taints", None)


# --- pods ------------------------------------------------------------------------------------

def mark_pods_not_ready(pods: list[Obj], now: datetime) -> list[Action]:
    """MarkPodsNotReady: a pod on a node that is not Ready is not Ready either."""
    actions: list[Action] = []
    for pod in pods:
        ready = condition(pod, "Ready")
        if ready is None or ready.get("status") != "True":
            continue
        new = copy(pod)
        for cond in new["status"]["conditions"]:
            if cond.get("type") == "Ready":
                cond.update(status="False", lastTransitionTime=rfc3339(now))
        actions += [Update(new, narration=f"node-controller: pod {namespace_of(pod)}/{name_of(pod)} is not "
                                          f"ready: its node {pod['spec'].get('nodeName')} is not ready"),
                    Emit(pod, Reason.NODE_NOT_READY, POD_NOT_READY_MESSAGE, COMPONENT, type="Warning")]
    return actions


# --- wake-ups and stories ---------------------------------------------------------------------

def _wake(node: Obj, state: ClusterState) -> list[Action]:
    deadline = silent_after(node, state)
    return [WakeAt(deadline)] if deadline is not None and deadline > state.now else []


def _story(old: Obj, new: Obj) -> str:
    name = name_of(old)
    if is_ready(old) and not is_ready(new):
        silence = int(GRACE_PERIOD.total_seconds())
        return f"node-controller: no heartbeat from {name} for {silence}s, marking it NotReady"
    keys = sorted({f"{t['key']}:{t['effect']}" for t in (new.get("spec") or {}).get("taints") or []
                   if managed(t)})
    return f"node-controller: {name} taints now {', '.join(keys) or 'none'}"


# --- the countdown the diagram shows ------------------------------------------------------------

@dataclass(frozen=True)
class Countdown:
    """What is about to happen to a node, in sandbox time.

    `not_ready_at`: when the node is (or was) marked NotReady because its kubelet went silent;
    None while its kubelet runs. `evictions`: for each pod on the node, "namespace/name" ->
    when the taint eviction controller deletes it (already in the past for one due now); a
    pod that tolerates the node's taints forever, or is already being deleted, is absent.
    """

    node: str
    not_ready_at: datetime | None
    evictions: dict[str, datetime] = field(default_factory=dict)


def countdown(state: ClusterState, node_name: str) -> Countdown:
    """The diagram's timers for one node: call it with the round's state (or a snapshot's)."""
    node = state.get("Node", "", node_name)
    if node is None:
        return Countdown(node_name, None)
    deadline = silent_after(node, state)
    taints = taint_eviction.no_execute_taints(node)
    if not taints and deadline is not None:
        # Not tainted yet: the taint the silence will bring, from the moment it will come.
        taints = [{"key": UNREACHABLE, "effect": Effect.NO_EXECUTE, "timeAdded": rfc3339(deadline)}]
    pods = [p for p in pods_by_node(state).get(node_name, []) if not is_terminating(p)]
    times = {f"{namespace_of(p)}/{name_of(p)}": taint_eviction.eviction_time(p, taints, state.now) for p in pods}
    return Countdown(node_name, deadline, {k: v for k, v in sorted(times.items()) if v is not None})
