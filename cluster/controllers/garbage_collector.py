"""The garbage collector: objects go when what owns them goes.

Every object may list its owners in `metadata.ownerReferences` (a Deployment owns its
ReplicaSets, a ReplicaSet its pods). Deleting an owner decides what happens to its
dependents through the delete's propagation policy:
- Background (the default): the owner goes at once; the collector then deletes every
  object whose owners are all gone.
- Foreground: the owner stays, marked with the `foregroundDeletion` finalizer, until the
  collector has deleted its dependents; then the finalizer is removed and the owner goes.
- Orphan: the `orphan` finalizer makes the collector strip the ownerReferences from the
  dependents (they live on, unowned); then the owner goes.
"""

from cluster.actions import Action, Delete, Update
from cluster.objects import Obj, Ref, copy, is_terminating, name_of, uid_of
from cluster.state import ClusterState

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for obj in state.all():
        actions += collect(obj, state)
        if is_terminating(obj):
            actions += finalize(obj, state)
    return actions


def collect(obj: Obj, state: ClusterState) -> list[Action]:
    """Delete an object whose owners are all gone; forget owners that are gone when some remain."""
    refs = obj["metadata"].get("ownerReferences") or []
    if not refs:
        return []
    missing = [r for r in refs if state.by_uid(r.get("uid", "")) is None]
    if not missing:
        return []
    if len(missing) == len(refs):
        if is_terminating(obj):
            return []
        owner = missing[0]
        return [Delete(Ref.to(obj), narration=f"garbage collector: {owner.get('kind')} {owner.get('name')} is "
                       f"gone, deleting its {obj['kind']} {name_of(obj)}")]
    kept = copy(obj)
    kept["metadata"]["ownerReferences"] = [r for r in refs if r not in missing]
    return [Update(kept)]


def finalize(obj: Obj, state: ClusterState) -> list[Action]:
    finalizers = obj["metadata"].get("finalizers") or []
    if FOREGROUND in finalizers:
        return foreground(obj, state)
    if ORPHAN in finalizers:
        return orphan(obj, state)
    return []


def foreground(obj: Obj, state: ClusterState) -> list[Action]:
    """Delete the dependents first (themselves in the foreground); drop the finalizer once none is left."""
    dependents = state.owned_by(uid_of(obj))
    if dependents:
        return [Delete(Ref.to(d), propagation="Foreground") for d in dependents if not is_terminating(d)]
    return [Update(without_finalizer(obj, FOREGROUND))]


def orphan(obj: Obj, state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for dependent in state.owned_by(uid_of(obj)):
        freed = copy(dependent)
        freed["metadata"]["ownerReferences"] = [r for r in freed["metadata"].get("ownerReferences") or []
                                                if r.get("uid") != uid_of(obj)]
        actions.append(Update(freed))
    return [*actions, Update(without_finalizer(obj, ORPHAN))]


def without_finalizer(obj: Obj, finalizer: str) -> Obj:
    done = copy(obj)
    done["metadata"]["finalizers"] = [f for f in done["metadata"].get("finalizers") or [] if f != finalizer]
    return done
