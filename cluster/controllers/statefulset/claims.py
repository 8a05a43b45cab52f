"""A StatefulSet's PersistentVolumeClaims: one per `volumeClaimTemplates` entry and ordinal.

Before it creates pod `web-0`, the controller creates the claims the pod's volumes name
(`data-web-0` from template `data`), unless they already exist. It never deletes them
itself: by default (`persistentVolumeClaimRetentionPolicy` Retain/Retain) they outlive the
pod, the scale-down and even the set, and a new `web-0` mounts the same `data-web-0` again.
The policy's `Delete` choices work through ownerReferences and the garbage collector:
`whenDeleted: Delete` makes the set the claim's owner; `whenScaled: Delete` makes the pod
its owner once the pod is condemned by a scale-down, so the claim goes with the pod.
"""

from typing import Any

from cluster.actions import Action, Create, Emit, Update
from cluster.controllers.statefulset.identity import claim_name, ordinal_of
from cluster.objects import Obj, copy, name_of, namespace_of, owner_reference, uid_of
from cluster.state import ClusterState

DELETE = "Delete"


def policy(sts: Obj) -> dict[str, str]:
    return (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}


def templates(sts: Obj) -> list[dict[str, Any]]:
    return list((sts.get("spec") or {}).get("volumeClaimTemplates") or [])


def new_claim(sts: Obj, template: dict[str, Any], ordinal: int) -> Obj:
    """getPersistentVolumeClaims: the template, named for the ordinal, labelled with the set's selector."""
    meta = template.get("metadata") or {}
    labels = {**(meta.get("labels") or {}), **((sts["spec"].get("selector") or {}).get("matchLabels") or {})}
    claim_meta: dict[str, Any] = {"name": claim_name(sts, name_of(template), ordinal),
                                  "namespace": namespace_of(sts), "labels": labels}
    if meta.get("annotations"):
        claim_meta["annotations"] = dict(meta["annotations"])
    if policy(sts).get("whenDeleted") == DELETE:
        claim_meta["ownerReferences"] = [owner_reference(sts)]
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": claim_meta,
            "spec": copy(template.get("spec") or {})}


def create_missing(sts: Obj, pod: Obj, state: ClusterState, component: str) -> list[Action]:
    """Create the pod's claims that do not exist yet, each with its event."""
    actions: list[Action] = []
    ordinal = ordinal_of(pod)
    for template in templates(sts):
        claim = new_claim(sts, template, ordinal)
        if state.get("PersistentVolumeClaim", namespace_of(sts), name_of(claim)) is not None:
            continue
        message = f"create Claim {name_of(claim)} Pod {name_of(pod)} in StatefulSet {name_of(sts)} success"
        actions += [Create(claim, narration=f"StatefulSet {name_of(sts)}: {message}"),
                    Emit(sts, "SuccessfulCreate", message, component)]
    return actions


def retention_updates(sts: Obj, pod: Obj, scaled_down: bool, state: ClusterState) -> list[Action]:
    """updateClaimOwnerRefForSetAndPod: give each of the pod's claims the owners the retention policy asks for."""
    actions: list[Action] = []
    for template in templates(sts):
        name = claim_name(sts, name_of(template), ordinal_of(pod))
        claim = state.get("PersistentVolumeClaim", namespace_of(sts), name)
        if claim is None or _foreign_controller(claim, sts, pod):
            continue
        refs = wanted_owners(claim, sts, pod, scaled_down)
        if refs != (claim["metadata"].get("ownerReferences") or []):
            updated = copy(claim)
            updated["metadata"]["ownerReferences"] = refs
            actions.append(Update(updated, narration=f"StatefulSet {name_of(sts)}: claim {name_of(claim)} "
                                                     "follows the retention policy"))
    return actions


def wanted_owners(claim: Obj, sts: Obj, pod: Obj, scaled_down: bool) -> list[dict[str, Any]]:
    ours = {uid_of(sts), uid_of(pod)}
    refs = [r for r in claim["metadata"].get("ownerReferences") or [] if r.get("uid") not in ours]
    rules = policy(sts)
    if rules.get("whenDeleted") == DELETE and not (scaled_down and rules.get("whenScaled") == DELETE):
        refs.append(owner_reference(sts))
    if rules.get("whenScaled") == DELETE and scaled_down:
        refs.append(owner_reference(pod))
    return refs


def _foreign_controller(claim: Obj, sts: Obj, pod: Obj) -> bool:
    """A claim some other controller owns is left alone (hasUnexpectedController)."""
    return any(r.get("controller") and r.get("uid") not in (uid_of(sts), uid_of(pod))
               for r in claim["metadata"].get("ownerReferences") or [])
