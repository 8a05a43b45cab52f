"""ControllerRevisions: the history of a StatefulSet's or DaemonSet's pod template.

A Deployment keeps its history as ReplicaSets. StatefulSets and DaemonSets manage pods
directly, so they keep theirs as ControllerRevisions. A revision records the pod template
as a patch (`{"spec": {"template": {..., "$patch": "replace"}}}`, which is what `kubectl rollout
undo` applies), a `revision` number, and a name `<owner>-<hash>` where the hash is of the
template. Pods carry a `controller-revision-hash` label, so the owner can tell which of them
are up to date.

On each sync the owner looks for the revision whose data equals its template (`resolve`):
- there is none: it creates one, numbered one past the newest;
- an older one matches (a rollback, as after `kubectl rollout undo`): it renumbers that one
  as the newest;
- the newest matches: there is nothing to do.
If a revision with different data already has the name, the hash collided: `collisionCount`
goes up by one, which changes the hash. Old revisions beyond `revisionHistoryLimit` are
deleted (`prune`), but never one that a live pod still uses.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cluster.actions import Action, Create, Delete, Update
from cluster.admission import SUFFIX_ALPHABET
from cluster.objects import Obj, Ref, copy, is_controlled_by, name_of, namespace_of, owner_reference, uid_of
from cluster.state import ClusterState

# On pods (both owners) and on a DaemonSet's revisions: which revision the pod was made from.
POD_LABEL = "controller-revision-hash"
# On a StatefulSet's revisions (history.ControllerRevisionHashLabel).
HASH_LABEL = "controller.kubernetes.io/hash"
DEFAULT_HISTORY_LIMIT = 10
# Each collision changes the hash, so a free name comes quickly; this only bounds a broken history.
MAX_COLLISIONS = 100
FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193

# Builds the candidate revision for a collision count (its `revision` number is filled in later).
Candidate = Callable[[int], Obj]


@dataclass(frozen=True)
class Resolved:
    """The revision that matches the owner's template now, and what it took to get it."""

    revision: Obj
    collision_count: int
    actions: list[Action] = field(default_factory=list)


def template_patch(owner: Obj) -> dict[str, Any]:
    """The revision's data: the owner's pod template as a strategic merge patch that replaces it."""
    template = copy((owner.get("spec") or {}).get("template") or {})
    return {"spec": {"template": {**template, "$patch": "replace"}}}


def template_of(revision: Obj) -> dict[str, Any]:
    """The pod template a revision recorded (ApplyRevision, for the template alone)."""
    template = copy(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return template


def hash_of(value: Any, collision_count: int | None) -> str:
    """Kubernetes' hash form: FNV-32a of the value (and the collision count), spelled in safe characters."""
    digest = FNV_OFFSET
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    if collision_count is not None:
        text += str(collision_count)
    for byte in text.encode():
        digest = ((digest ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    # rand.SafeEncodeString: each decimal digit mapped into the alphabet without vowels.
    return "".join(SUFFIX_ALPHABET[ord(c) % len(SUFFIX_ALPHABET)] for c in str(digest))


def new_revision(owner: Obj, data: dict[str, Any], hash_text: str, labels: dict[str, str]) -> Obj:
    """A ControllerRevision named `<owner>-<hash>`, controlled by `owner`, carrying its annotations."""
    metadata: dict[str, Any] = {"name": f"{name_of(owner)}-{hash_text}", "namespace": namespace_of(owner),
                                "labels": labels, "ownerReferences": [owner_reference(owner)]}
    annotations = owner.get("metadata", {}).get("annotations")
    if annotations:
        metadata["annotations"] = dict(annotations)
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": metadata,
            "data": data, "revision": 0}


def number(revision: Obj) -> int:
    return int(revision.get("revision") or 0)


def history(owner: Obj, state: ClusterState) -> list[Obj]:
    """The owner's revisions, oldest first (by revision number, then name)."""
    mine = [o for o in state.owned_by(uid_of(owner))
            if o.get("kind") == "ControllerRevision" and is_controlled_by(o, owner)]
    return sorted(mine, key=lambda r: (number(r), name_of(r)))


def next_number(revisions: list[Obj]) -> int:
    return max((number(r) for r in revisions), default=0) + 1


def resolve(owner: Obj, revisions: list[Obj], state: ClusterState, candidate: Candidate,
            collision_count: int) -> Resolved:
    """The revision for the owner's current template: reused, renumbered (a rollback), or created."""
    count = collision_count
    for _ in range(MAX_COLLISIONS):
        wanted = candidate(count)
        equal = [r for r in revisions if r.get("data") == wanted["data"]]
        if equal:
            return _reuse(equal[-1], revisions, count)
        if state.get("ControllerRevision", namespace_of(owner), name_of(wanted), "apps") is None:
            wanted["revision"] = next_number(revisions)
            story = f"{owner['kind']} {name_of(owner)}: new pod template, recording revision {wanted['revision']}"
            return Resolved(wanted, count, [Create(wanted, narration=story)])
        count += 1
    raise RuntimeError(f"{owner['kind']} {name_of(owner)}: no free ControllerRevision name")


def _reuse(found: Obj, revisions: list[Obj], count: int) -> Resolved:
    if found is revisions[-1]:
        return Resolved(found, count)
    renumbered = copy(found)
    renumbered["revision"] = next_number(revisions)
    story = f"rolling back to {name_of(found)}: it becomes revision {renumbered['revision']}"
    return Resolved(renumbered, count, [Update(renumbered, narration=story)])


def prune(owner: Obj, revisions: list[Obj], live: set[str]) -> list[Action]:
    """Delete the oldest revisions no live pod uses, keeping `revisionHistoryLimit` of them."""
    limit = int((owner.get("spec") or {}).get("revisionHistoryLimit", DEFAULT_HISTORY_LIMIT))
    dead = [r for r in revisions if name_of(r) not in live]
    return [Delete(Ref.to(r), narration=f"{owner['kind']} {name_of(owner)}: dropping old revision {number(r)}")
            for r in dead[:max(0, len(dead) - limit)]]
