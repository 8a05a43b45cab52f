"""ReplicaSet controller: keep `spec.replicas` active pods for every ReplicaSet.

### ATTENTION ###
The same code serves ReplicationControllers (`replication.py`): only the selector form differs.

For each ReplicaSet, one sync:
1. find its pods: those it controls, plus orphans its selector matches (adopted by adding an
   ownerReference); pods it controls that no longer match are released;
2. diff the active ones against `spec.replicas`: create the missing pods from the template,
   or delete the surplus, preferring pods early in their startup (`pods.deletion_rank`);
3. compute the status in a pure function and write it only when it changed.
Run twice on the same state, the second run returns nothing.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from cluster import selectors
from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers import ownership
from cluster.controllers import pods as podutil
from cluster.objects import (
    Obj,
    Ref,
    copy,
    labels_of,
    name_of,
    namespace_of,
)
from cluster.state import ClusterState

COMPONENT = "replicaset-controller"
# At most this many pods created or deleted per sync, as Kubernetes' burstReplicas.
BURST = 500

SelectorOf = Callable[[Obj], selectors.Selector]


def structured_selector(rs: Obj) -> selectors.Selector:
    return selectors.from_label_selector(rs.get("spec", {}).get("selector"))


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for rs in state.of_kind("ReplicaSet", "apps"):
        actions += sync(rs, state, structured_selector, COMPONENT)
    return actions


def sync(rs: Obj, state: ClusterState, selector_of: SelectorOf, component: str) -> list[Action]:
    if rs["metadata"].get("deletionTimestamp"):
        return []
    selector = selector_of(rs)
    owned, claims = claim_pods(rs, state, selector)
    active = [p for p in owned if podutil.is_active(p)]
    actions: list[Action] = [*claims, *manage_replicas(rs, active, state, component)]
    return actions + status_actions(rs, owned, state.now)


def claim_pods(rs: Obj, state: ClusterState, selector: selectors.Selector) -> tuple[list[Obj], list[Action]]:
    """The pods this ReplicaSet owns after adopting matching orphans and releasing strays."""
    def matches(pod: Obj) -> bool:
        return not selector.empty and selector.matches(labels_of(pod))

    return ownership.claim(rs, state.of_kind("Pod", "", namespace_of(rs)), matches, podutil.is_active, noun="pod")


def manage_replicas(rs: Obj, active: list[Obj], state: ClusterState, component: str) -> list[Action]:
    desired = int(rs.get("spec", {}).get("replicas", 1))
    diff = len(active) - desired
    if diff < 0:
        return create_pods(rs, min(-diff, BURST), len(active), state, component)
    if diff > 0:
        return delete_pods(rs, active, min(diff, BURST), component)
    return []


def create_pods(rs: Obj, count: int, existing: int, state: ClusterState, component: str) -> list[Action]:
    template = rs.get("spec", {}).get("template") or {}
    desired = existing + count
    actions: list[Action] = []
    for i in range(count):
        pod = podutil.from_template(rs, template, podutil.free_name(state, rs, i))
        story = f"{rs['kind']} {name_of(rs)}: {existing} of {desired} pods exist, creating {name_of(pod)}"
        actions += [Create(pod, narration=story),
                    Emit(rs, "SuccessfulCreate", f"Created pod: {name_of(pod)}", component)]
    return _distinct_names(actions)


def _distinct_names(actions: list[Action]) -> list[Action]:
    """Several creates in one sync must not pick the same free name; keep only the first of each."""
    seen: set[str] = set()
    kept: list[Action] = []
    for action in actions:
        if isinstance(action, Create):
            if name_of(action.obj) in seen:
                continue
            seen.add(name_of(action.obj))
        kept.append(action)
    return kept


def delete_pods(rs: Obj, active: list[Obj], count: int, component: str) -> list[Action]:
    victims = sorted(active, key=podutil.deletion_rank)[:count]
    actions: list[Action] = []
    for pod in victims:
        story = (f"{rs['kind']} {name_of(rs)}: {len(active)} pods exist, {len(active) - count} wanted, "
                 f"deleting {name_of(pod)}")
        actions += [Delete(Ref.to(pod), narration=story),
                    Emit(rs, "SuccessfulDelete", f"Deleted pod: {name_of(pod)}", component)]
    return actions


def calculate_status(rs: Obj, owned: list[Obj], now: datetime) -> dict[str, Any]:
    """The status Kubernetes' calculateStatus computes: counts of the pods, by how far along they are."""
    spec = rs.get("spec", {})
    min_ready = int(spec.get("minReadySeconds", 0))
    active = [p for p in owned if podutil.is_active(p)]
    template_labels = (spec.get("template", {}).get("metadata") or {}).get("labels") or {}
    status: dict[str, Any] = {
        "replicas": len(active),
        "fullyLabeledReplicas": sum(1 for p in active if template_labels.items() <= labels_of(p).items()),
        "readyReplicas": sum(1 for p in active if podutil.is_ready(p)),
        "availableReplicas": sum(1 for p in active if podutil.is_available(p, min_ready, now)),
        "observedGeneration": rs["metadata"].get("generation", 1),
    }
    terminating = sum(1 for p in owned if p["metadata"].get("deletionTimestamp"))
    if terminating and rs["kind"] == "ReplicaSet":  # a field ReplicationControllers never had
        status["terminatingReplicas"] = terminating
    return status


def status_actions(rs: Obj, owned: list[Obj], now: datetime) -> list[Action]:
    status = calculate_status(rs, owned, now)
    actions: list[Action] = [*_availability_wakeups(rs, owned, now)]
    if {**rs.get("status", {}), **status} != rs.get("status", {}) or _stale_keys(rs, status):
        updated = copy(rs)
        updated["status"] = {**{k: v for k, v in rs.get("status", {}).items() if k == "conditions"}, **status}
        actions.append(Update(updated))
    return actions


def _stale_keys(rs: Obj, status: dict[str, Any]) -> bool:
    return "terminatingReplicas" in rs.get("status", {}) and "terminatingReplicas" not in status


def _availability_wakeups(rs: Obj, owned: list[Obj], now: datetime) -> list[Action]:
    min_ready = int(rs.get("spec", {}).get("minReadySeconds", 0))
    if not min_ready:
        return []
    times = [t for t in (podutil.available_at(p, min_ready) for p in owned) if t is not None and t > now]
    return [WakeAt(min(times))] if times else []
