"""DaemonSet controller: one pod on every node that should run it.

For each DaemonSet, one sync (Kubernetes' syncDaemonSet):
1. find the ControllerRevision for the current pod template, creating it if new
   (`revisions.resolve`); its hash labels every pod made from it;
2. find its pods (adopting matching orphans) and group them by the node each is for;
3. manage: for every node, start a pod where one should run and none is, delete pods that
   finished, surplus pods, and pods on nodes where they may no longer stay (`placement`);
4. only when manage had nothing to do, take the next step of a rolling update (`rollout`);
5. drop old revisions and write the status (`status`) when it changed.
Nodes come and go on their own: a new node gets its pod on the next sync; the pods of a
deleted node are removed by the kubelet stages, and the counts follow.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from cluster import selectors
from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers import pods as podutil
from cluster.controllers import revisions
from cluster.controllers.daemonset import rollout, status
from cluster.controllers.daemonset.placement import Placement, new_pod, placement_on, target_node, template
from cluster.controllers.daemonset.rollout import Plan
from cluster.controllers.replicaset import claim_pods
from cluster.objects import Obj, Ref, copy, labels_of, name_of
from cluster.state import ClusterState

COMPONENT = "daemonset-controller"
# At most this many pods created per sync, as the DaemonSet controller's burstReplicas.
BURST = 250


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for ds in state.of_kind("DaemonSet", "apps"):
        actions += sync(ds, state)
    return actions


def sync(ds: Obj, state: ClusterState) -> list[Action]:
    if ds["metadata"].get("deletionTimestamp"):
        return []
    history = revisions.history(ds, state)
    current = revisions.resolve(ds, history, state, lambda count: candidate(ds, count), collision_count(ds))
    hash_text = labels_of(current.revision)[revisions.POD_LABEL]
    owned, claims = claim_pods(ds, state, selectors.from_label_selector(ds["spec"].get("selector")))
    by_node = pods_by_node(status.live_pods(owned))
    pod_template = template(ds, hash_text)
    fits = {name_of(n): placement_on(pod_template, n) for n in sorted(state.of_kind("Node"), key=name_of)}
    desired = [node for node, fit in fits.items() if fit.should_run]
    steps = manage(ds, fits, by_node, hash_text, state.now)
    if not steps.delete and not steps.create_on and is_rolling(ds):
        steps = rollout.plan(ds, by_node, desired, hash_text, state.now)
    live = {name_of(current.revision)} | {f"{name_of(ds)}-{labels_of(p).get(revisions.POD_LABEL)}" for p in owned}
    old = [r for r in history if name_of(r) != name_of(current.revision)]
    return [*current.actions, *claims, *sync_nodes(ds, steps, pod_template, state),
            *revisions.prune(ds, old, live),
            *status_actions(ds, fits, by_node, hash_text, current.collision_count, state.now)]


def candidate(ds: Obj, count: int) -> Obj:
    """The revision for the DaemonSet's template now; the hash is of the template (ComputeHash)."""
    hash_text = revisions.hash_of(ds["spec"].get("template") or {}, count or None)
    template_labels = ((ds["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
    return revisions.new_revision(ds, revisions.template_patch(ds), hash_text,
                                  {**template_labels, revisions.POD_LABEL: hash_text})


def collision_count(ds: Obj) -> int:
    return int((ds.get("status") or {}).get("collisionCount") or 0)


def is_rolling(ds: Obj) -> bool:
    return ((ds.get("spec") or {}).get("updateStrategy") or {}).get("type") == rollout.ROLLING_UPDATE


def pods_by_node(pods: list[Obj]) -> dict[str, list[Obj]]:
    grouped: dict[str, list[Obj]] = defaultdict(list)
    for pod in pods:
        node = target_node(pod)
        if node:  # a pod pinned to no node is not a daemon pod the controller can place
            grouped[node].append(pod)
    return dict(grouped)


def manage(ds: Obj, fits: dict[str, Placement], by_node: dict[str, list[Obj]], hash_text: str,
           now: datetime) -> Plan:
    """podsShouldBeOnNode for every node: where a pod is missing, and which pods must go."""
    create_on: list[str] = []
    delete: list[Obj] = []
    for node, fit in fits.items():
        pods = by_node.get(node, [])
        if fit.should_run and not pods:
            create_on.append(node)
        elif fit.should_continue:
            delete += surplus(ds, pods, hash_text, now)
        else:
            delete += [p for p in pods if not _deleting(p)]
    # A pod pinned to a node that no longer exists will never be bound: nothing else removes it.
    delete += [p for node, pods in by_node.items() if node not in fits for p in pods
               if not (p.get("spec") or {}).get("nodeName") and not _deleting(p)]
    return Plan(delete, create_on)


def surplus(ds: Obj, pods: list[Obj], hash_text: str, now: datetime) -> list[Obj]:
    """Finished pods, and all pods but the oldest one; while surging, the oldest new and oldest old may pair."""
    alive = sorted((p for p in pods if not _deleting(p)), key=status.oldest_first)
    finished = [p for p in alive if p.get("status", {}).get("phase") in podutil.FINISHED]
    running = [p for p in alive if p not in finished]
    if not is_rolling(ds) or rollout.budgets(ds, 1)[0] == 0:
        return finished + running[1:]
    new = [p for p in running if status.is_updated(p, hash_text)]
    old = [p for p in running if not status.is_updated(p, hash_text)]
    extra = new[1:] + old[1:]
    min_ready = int(ds["spec"].get("minReadySeconds", 0))
    if new and old and (not podutil.is_ready(old[0]) or podutil.is_available(new[0], min_ready, now)):
        extra.append(old[0])
    return finished + extra


def _deleting(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def sync_nodes(ds: Obj, steps: Plan, pod_template: dict[str, Any], state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for i, node in enumerate(steps.create_on[:BURST]):
        pod = new_pod(ds, pod_template, node, podutil.free_name(state, ds, i))
        story = f"DaemonSet {name_of(ds)}: node {node} has no daemon pod, creating {name_of(pod)}"
        actions += [Create(pod, narration=story),
                    Emit(ds, "SuccessfulCreate", f"Created pod: {name_of(pod)}", COMPONENT)]
    for pod in _unique(steps.delete):
        story = f"DaemonSet {name_of(ds)}: deleting {name_of(pod)} from node {target_node(pod) or '<none>'}"
        actions += [Delete(Ref.to(pod), narration=story),
                    Emit(ds, "SuccessfulDelete", f"Deleted pod: {name_of(pod)}", COMPONENT)]
    return actions


def _unique(pods: list[Obj]) -> list[Obj]:
    return list({name_of(p): p for p in pods}.values())


def status_actions(ds: Obj, fits: dict[str, Placement], by_node: dict[str, list[Obj]], hash_text: str,
                   collisions: int, now: datetime) -> list[Action]:
    should_run = {node: fit.should_run for node, fit in fits.items()}
    new_status = status.calculate(ds, should_run, by_node, hash_text, now)
    if collisions:
        new_status["collisionCount"] = collisions
    old_status = ds.get("status") or {}
    if "conditions" in old_status:
        new_status["conditions"] = old_status["conditions"]
    actions: list[Action] = [*_availability_wakeups(ds, by_node, now)]
    if new_status != old_status:
        updated = copy(ds)
        updated["status"] = new_status
        actions.append(Update(updated))
    return actions


def _availability_wakeups(ds: Obj, by_node: dict[str, list[Obj]], now: datetime) -> list[Action]:
    min_ready = int(ds["spec"].get("minReadySeconds", 0))
    if not min_ready:
        return []
    times = [t for pods in by_node.values() for p in pods
             if (t := podutil.available_at(p, min_ready)) is not None and t > now]
    return [WakeAt(min(times))] if times else []
