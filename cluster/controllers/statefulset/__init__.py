"""StatefulSet controller: pods with a stable identity, created and removed in order.

For each StatefulSet, one sync (Kubernetes' StatefulSetControl):
1. find the ControllerRevision for the current pod template (the update revision), creating
   it if new, and the revision its pods were at before (`status.currentRevision`);
2. find its pods: those it controls, plus orphans its selector matches and whose name is
   `<set>-<ordinal>` (adopted); a sync that adopts or releases pods does only that;
3. sort them into a slot per ordinal and the condemned beyond `spec.replicas`, and take the
   next steps of scaling and updating (`control`);
4. drop old revisions no pod uses and write the status when it changed (`status`).
Pods keep their names, hostnames and claims (`identity`, `claims`) across restarts.
"""

from typing import Any

from cluster import selectors
from cluster.actions import Action, Update, WakeAt
from cluster.controllers import ownership, revisions
from cluster.controllers.statefulset import control, status
from cluster.controllers.statefulset.identity import (
    in_range,
    is_member,
    new_pod,
    ordinal_of,
    replica_count,
    revision_of,
    start_ordinal,
)
from cluster.objects import (
    Obj,
    copy,
    is_terminating,
    labels_of,
    name_of,
    namespace_of,
)
from cluster.state import ClusterState


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for sts in state.of_kind("StatefulSet", "apps"):
        actions += sync(sts, state)
    return actions


def sync(sts: Obj, state: ClusterState) -> list[Action]:
    history = revisions.history(sts, state)
    update = revisions.resolve(sts, history, state, lambda count: candidate(sts, count), collision_count(sts))
    current = current_revision(sts, history, update.revision)
    pods, claims = claim_pods(sts, state)
    if claims:
        return [*update.actions, *claims]
    replicas, condemned = split(sts, pods, current, update.revision)
    view = control.View(sts, state, name_of(update.revision), replicas, condemned)
    steps = [] if is_terminating(sts) else control.run(view)
    live = {name_of(current), name_of(update.revision), *(revision_of(p) for p in pods)}
    old = [r for r in history if name_of(r) != name_of(update.revision)]
    return [*update.actions, *steps, *revisions.prune(sts, old, live),
            *status_actions(sts, replicas + condemned, name_of(current), name_of(update.revision),
                            update.collision_count, state)]


def candidate(sts: Obj, count: int) -> Obj:
    """The revision for the set's template now; its hash is of the revision's data and the collision count."""
    data = revisions.template_patch(sts)
    hash_text = revisions.hash_of(data, count)
    template_labels = ((sts["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
    return revisions.new_revision(sts, data, hash_text, {**template_labels, revisions.HASH_LABEL: hash_text})


def collision_count(sts: Obj) -> int:
    return int((sts.get("status") or {}).get("collisionCount") or 0)


def current_revision(sts: Obj, history: list[Obj], update: Obj) -> Obj:
    """The revision named by `status.currentRevision`, or the update revision for a new set."""
    named = (sts.get("status") or {}).get("currentRevision")
    return next((r for r in history if name_of(r) == named), update)


def claim_pods(sts: Obj, state: ClusterState) -> tuple[list[Obj], list[Action]]:
    """The set's pods: those it controls that still match, plus matching orphans named `<set>-<ordinal>`."""
    selector = selectors.from_label_selector(sts["spec"].get("selector"))

    def matches(pod: Obj) -> bool:
        return not selector.empty and selector.matches(labels_of(pod)) and is_member(sts, pod)

    return ownership.claim(sts, state.of_kind("Pod", "", namespace_of(sts)), matches,
                           lambda pod: not is_terminating(pod), noun="pod", own_adopted=False)


def split(sts: Obj, pods: list[Obj], current: Obj, update: Obj) -> tuple[list[Obj], list[Obj]]:
    """A slot per wanted ordinal (filled with the pod to create where none exists), and the condemned."""
    start = start_ordinal(sts)
    slots = {ordinal_of(p): p for p in pods if in_range(sts, ordinal_of(p))}
    replicas = [slots.get(o) or versioned_pod(sts, o, current, update)
                for o in range(start, start + replica_count(sts))]
    condemned = sorted((p for p in pods if not in_range(sts, ordinal_of(p)) and ordinal_of(p) >= 0),
                       key=ordinal_of, reverse=True)
    return replicas, condemned


def versioned_pod(sts: Obj, ordinal: int, current: Obj, update: Obj) -> Obj:
    """Below the partition a new pod keeps the current revision's template; at or above it, the update's."""
    strategy = sts["spec"].get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    start = start_ordinal(sts)
    keeps_current = (
        (strategy.get("type") == status.ROLLING_UPDATE and rolling is None
         and ordinal < start + int((sts.get("status") or {}).get("currentReplicas") or 0))
        or (rolling is not None and ordinal < start + int(rolling.get("partition") or 0)))
    revision = current if keeps_current else update
    return new_pod(sts, revisions.template_of(revision), ordinal, name_of(revision))


def status_actions(sts: Obj, pods: list[Obj], current: str, update: str, collisions: int,
                   state: ClusterState) -> list[Action]:
    new_status: dict[str, Any] = status.calculate(sts, pods, current, update, collisions, state.now)
    old_status = sts.get("status") or {}
    if "conditions" in old_status:
        new_status["conditions"] = old_status["conditions"]
    actions: list[Action] = [WakeAt(t) for t in sorted(status.wake_times(sts, pods, state.now))[:1]]
    if new_status != old_status:
        updated = copy(sts)
        updated["status"] = new_status
        actions.append(Update(updated))
    return actions
