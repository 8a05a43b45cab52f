"""Taint eviction controller: delete the pods a node's NoExecute taints no longer allow there.

A NoExecute taint on a node (`node.kubernetes.io/unreachable:NoExecute`, added by the node
lifecycle controller when the node goes silent, or one a learner adds with `kubectl taint`)
means "no pod may keep running here unless it says it tolerates this". For each pod bound to
a tainted node:
* a taint the pod does not tolerate: the pod is deleted at once;
* every taint tolerated, some for `tolerationSeconds`: it is deleted when the shortest of
  those runs out, counted from when the taint was added (every pod gets 300 s for
  not-ready and unreachable by default; that is the five minutes before a dead node's pods
  are replaced);
* every taint tolerated without a limit (a DaemonSet's pods): it stays.

Deleting is all it does: the pod gets the DisruptionTarget condition and a deletionTimestamp.
On an unreachable node no kubelet is left to stop the containers, so the pod stays
Terminating until the node comes back or is removed, as on a real cluster. Its ReplicaSet
no longer counts it and creates a replacement elsewhere; a StatefulSet, whose replacement
would reuse the same name, has to wait until the old pod is really gone.
"""

from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action, Delete, Emit, Update, WakeAt
from cluster.objects import Obj, Ref, copy, is_terminating, name_of, namespace_of, parse_time, rfc3339
from cluster.scheduling.taints import Effect, Taint, Toleration
from cluster.state import ClusterState

COMPONENT = "taint-eviction-controller"
REASON = "TaintManagerEviction"
DISRUPTION_TARGET = {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
                     "message": "Taint manager: deleting due to NoExecute taint"}


def reconcile(state: ClusterState) -> list[Action]:
    pods = _pods_by_node(state)
    actions: list[Action] = []
    for node in sorted(state.of_kind("Node"), key=name_of):
        taints = no_execute_taints(node)
        if not taints:
            continue
        if any(not t.get("timeAdded") for t in taints):
            actions.append(stamp_time_added(node, state.now))
            continue  # the pods are looked at once the taints say since when they apply
        for pod in pods.get(name_of(node), []):
            actions += sync_pod(pod, taints, state.now)
    return actions


def _pods_by_node(state: ClusterState) -> dict[str, list[Obj]]:
    index: dict[str, list[Obj]] = {}
    for pod in sorted(state.of_kind("Pod"), key=lambda p: (namespace_of(p), name_of(p))):
        index.setdefault((pod.get("spec") or {}).get("nodeName") or "", []).append(pod)
    return index


def no_execute_taints(node: Obj) -> list[dict[str, Any]]:
    return [t for t in (node.get("spec") or {}).get("taints") or []
            if isinstance(t, dict) and t.get("effect") == Effect.NO_EXECUTE]


def stamp_time_added(node: Obj, now: datetime) -> Update:
    """A NoExecute taint written without `timeAdded` gets one, so its countdown has a start."""
    new = copy(node)
    for taint in no_execute_taints(new):
        if not taint.get("timeAdded"):
            taint["timeAdded"] = rfc3339(now)
    return Update(new)


def sync_pod(pod: Obj, taints: list[dict[str, Any]], now: datetime) -> list[Action]:
    if is_terminating(pod):
        return []
    due = eviction_time(pod, taints, now)
    if due is None:
        return []
    if due > now:
        return [WakeAt(due)]
    return evict(pod, now)


def eviction_time(pod: Obj, taints: list[dict[str, Any]], now: datetime) -> datetime | None:
    """When the pod must go: now for an untolerated taint, None when every taint is tolerated forever."""
    seconds = toleration_window(pod, taints)
    if seconds is None:
        return None
    added = [parse_time(t.get("timeAdded")) or now for t in taints]
    return min(added) + timedelta(seconds=seconds) if seconds > 0 else now


def toleration_window(pod: Obj, taints: list[dict[str, Any]]) -> int | None:
    """getMinTolerationTime over the tolerations matching each taint: 0 when one is not tolerated,
    the shortest `tolerationSeconds` otherwise, None when nothing limits the stay."""
    raw = [t for t in (pod.get("spec") or {}).get("tolerations") or [] if isinstance(t, dict)]
    limits: list[int] = []
    for taint in map(Taint.of, taints):
        match = next((t for t in raw if Toleration.of(t).tolerates(taint)), None)
        if match is None:
            return 0
        if match.get("tolerationSeconds") is not None:
            limits.append(max(int(match["tolerationSeconds"]), 0))
    return min(limits) if limits else None


def evict(pod: Obj, now: datetime) -> list[Action]:
    where = f"{namespace_of(pod)}/{name_of(pod)}"
    marked = copy(pod)
    conditions = marked.setdefault("status", {}).setdefault("conditions", [])
    conditions[:] = [c for c in conditions if c.get("type") != DISRUPTION_TARGET["type"]]
    conditions.append({**DISRUPTION_TARGET, "lastProbeTime": None, "lastTransitionTime": rfc3339(now)})
    node = (pod.get("spec") or {}).get("nodeName")
    return [Emit(pod, REASON, f"Marking for deletion Pod {where}", COMPONENT),
            Update(marked),
            Delete(Ref.to(pod), narration=f"taint-eviction-controller: {node} is tainted NoExecute and pod "
                                          f"{where} no longer tolerates it: deleting it")]
