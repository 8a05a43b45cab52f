"""Claiming: which objects a controller owns, as Kubernetes' ControllerRefManager decides it.

An owner (a ReplicaSet, a Deployment, a StatefulSet...) owns the objects whose controller
ownerReference names it. On each sync it re-checks them against its selector:
- one it controls that still matches stays owned;
- one it controls that no longer matches (a learner changed its labels) is released: the
  ownerReference is removed, and the owner will make a replacement;
- a matching orphan (no controller at all) is adopted, if the owner's kind allows it.
Objects controlled by someone else are never touched.
"""

from collections.abc import Callable, Iterable

from cluster.actions import Action, Update
from cluster.objects import (
    Obj,
    controller_ref,
    copy,
    is_controlled_by,
    is_terminating,
    name_of,
    owner_reference,
    uid_of,
)


def claim(owner: Obj, candidates: Iterable[Obj], matches: Callable[[Obj], bool], adoptable: Callable[[Obj], bool], *,
          noun: str, own_adopted: bool = True) -> tuple[list[Obj], list[Action]]:
    """The objects `owner` owns after this sync, and the adoptions and releases that make it so.

    `own_adopted`: count an object adopted in this sync as owned already (a ReplicaSet's pod),
    or only from the next sync, once the adoption is written (a Deployment's ReplicaSet).
    """
    owned: list[Obj] = []
    actions: list[Action] = []
    for obj in candidates:
        if is_controlled_by(obj, owner):
            if matches(obj):
                owned.append(obj)
            elif not is_terminating(obj):
                actions.append(Update(release(obj, owner)))
        elif matches(obj) and controller_ref(obj) is None and adoptable(obj):
            owned += [obj] if own_adopted else []
            story = f"{owner['kind']} {name_of(owner)}: adopting {noun} {name_of(obj)}"
            actions.append(Update(adopt(obj, owner), narration=story))
    return owned, actions


def adopt(obj: Obj, owner: Obj) -> Obj:
    adopted = copy(obj)
    adopted["metadata"].setdefault("ownerReferences", []).append(owner_reference(owner))
    return adopted


def release(obj: Obj, owner: Obj) -> Obj:
    released = copy(obj)
    refs = [r for r in released["metadata"].get("ownerReferences") or [] if r.get("uid") != uid_of(owner)]
    released["metadata"]["ownerReferences"] = refs
    return released
