"""Namespace controller: a namespace being deleted empties itself, then goes.

Deleting a namespace marks it Terminating (no new objects may be created in it). This
controller deletes everything inside; when nothing is left it clears the namespace's
`kubernetes` finalizer and the store removes the namespace.
"""

from cluster.actions import Action, Delete, Update
from cluster.objects import Obj, Ref, copy, is_terminating, name_of, namespace_of, rfc3339, set_condition
from cluster.state import ClusterState


def reconcile(state: ClusterState) -> list[Action]:
    terminating = [ns for ns in state.of_kind("Namespace") if is_terminating(ns)]
    if not terminating:
        return []
    contents: dict[str, list[Obj]] = {name_of(ns): [] for ns in terminating}
    for obj in state.all():
        if namespace_of(obj) in contents:
            contents[namespace_of(obj)].append(obj)
    actions: list[Action] = []
    for ns in terminating:
        actions += empty(ns, contents[name_of(ns)], state)
    return actions


def empty(ns: Obj, inside: list[Obj], state: ClusterState) -> list[Action]:
    if not inside:
        done = copy(ns)
        done.setdefault("spec", {})["finalizers"] = []
        return [Update(done, narration=f"namespace {name_of(ns)} is empty and goes")]
    # Events go last: they report the pods being stopped meanwhile, and the kubelet reads them.
    content = [o for o in inside if o.get("kind") != "Event"] or inside
    deletes: list[Action] = [Delete(Ref.to(o), narration=f"namespace {name_of(ns)} is terminating: deleting "
                                    f"{o['kind']} {name_of(o)}") for o in content if not is_terminating(o)]
    return deletes + _remaining_condition(ns, len(inside), state)


def _remaining_condition(ns: Obj, count: int, state: ClusterState) -> list[Action]:
    message = f"Some resources are remaining: {count} objects"
    current = next((c for c in ns.get("status", {}).get("conditions") or []
                    if c.get("type") == "NamespaceContentRemaining"), None)
    if current and current.get("message") == message:
        return []
    updated = copy(ns)
    set_condition(updated.setdefault("status", {}), {"type": "NamespaceContentRemaining", "status": "True",
                                                     "reason": "SomeResourcesRemain", "message": message,
                                                     "lastTransitionTime": rfc3339(state.now)})
    return [Update(updated)]
