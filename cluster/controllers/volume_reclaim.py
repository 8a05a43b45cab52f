"""A PersistentVolume's life after it is made: Available, Bound, Released, and what comes after.

A volume nobody has claimed is `Available`. Bound to a claim it is `Bound`. When its claim is
deleted the data is still there, and the volume is `Released`: not free for a new claim,
because that claim would see the old one's files. Its `persistentVolumeReclaimPolicy` decides:
- `Retain`: it stays Released until an administrator deals with it (deletes it, or removes
  its `claimRef` to make it Available again, data and all);
- `Delete`: the provisioner that made it deletes it, data included; a volume made by hand
  has no provisioner to delete it, so it turns `Failed`;
- `Recycle` (deprecated): its files are wiped and it is Available again.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster.actions import Action, Delete, Emit, Update
from cluster.controllers import provisioning
from cluster.kinds.storage import FILES_ANNOTATION
from cluster.objects import Obj, Ref, copy, name_of, rfc3339
from cluster.state import ClusterState

COMPONENT = "persistentvolume-controller"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"


class VolumePhase(StrEnum):
    PENDING = "Pending"
    AVAILABLE = "Available"
    BOUND = "Bound"
    RELEASED = "Released"
    FAILED = "Failed"


class ReclaimPolicy(StrEnum):
    RETAIN = "Retain"
    DELETE = "Delete"
    RECYCLE = "Recycle"


def no_deleter(volume: Obj) -> str:
    return f'error getting deleter volume plugin for volume "{name_of(volume)}": no deletable volume plugin matched'


def phase_of(volume: Obj) -> str:
    return str((volume.get("status") or {}).get("phase", ""))


def with_phase(volume: Obj, phase: VolumePhase, now: datetime, **why: str) -> Obj:
    updated = copy(volume)
    updated["status"] = {"phase": phase.value, "lastPhaseTransitionTime": rfc3339(now), **why}
    return updated


def bound_to(volume: Obj, claim: Obj, now: datetime) -> Obj:
    """The volume with its claimRef on `claim` and phase Bound (unchanged if it already is)."""
    ref = (volume.get("spec") or {}).get("claimRef")
    updated = volume
    if not isinstance(ref, dict) or ref.get("uid") != claim["metadata"].get("uid"):
        updated = copy(volume)
        if not isinstance(ref, dict):  # the controller chose this volume, no one pre-bound it
            updated["metadata"].setdefault("annotations", {})[BOUND_BY_CONTROLLER] = "yes"
        updated["spec"]["claimRef"] = provisioning.claim_ref(claim)
    if phase_of(updated) != VolumePhase.BOUND:
        updated = with_phase(updated, VolumePhase.BOUND, now)
    return updated


def sync_volume(volume: Obj, state: ClusterState) -> list[Action]:
    if volume["metadata"].get("deletionTimestamp"):
        return []
    ref = (volume.get("spec") or {}).get("claimRef")
    if not isinstance(ref, dict):
        return _ensure(volume, VolumePhase.AVAILABLE, state.now)
    claim = state.get("PersistentVolumeClaim", str(ref.get("namespace", "")), str(ref.get("name", "")))
    if claim is not None and ref.get("uid") in (None, "", claim["metadata"].get("uid")):
        return _with_claim(volume, claim, state.now)
    if not ref.get("uid"):
        return _ensure(volume, VolumePhase.AVAILABLE, state.now)  # pre-bound to a claim not made yet
    return released(volume, state)


def _ensure(volume: Obj, phase: VolumePhase, now: datetime) -> list[Action]:
    if phase_of(volume) == phase:
        return []
    return [Update(with_phase(volume, phase, now), narration=f"PersistentVolume {name_of(volume)} is {phase}")]


def _with_claim(volume: Obj, claim: Obj, now: datetime) -> list[Action]:
    """The claim exists: Bound if it names this volume; if it chose another, our half-binding is undone."""
    named = (claim.get("spec") or {}).get("volumeName")
    if named == name_of(volume):
        return _ensure(volume, VolumePhase.BOUND, now)
    if named and (volume["metadata"].get("annotations") or {}).get(BOUND_BY_CONTROLLER):
        freed = copy(volume)
        del freed["spec"]["claimRef"]
        return [Update(with_phase(freed, VolumePhase.AVAILABLE, now),
                       narration=f"PersistentVolume {name_of(volume)}: its claim chose another volume")]
    if not named and phase_of(volume) == VolumePhase.PENDING:
        return _ensure(volume, VolumePhase.AVAILABLE, now)  # waiting for its claim's sync to bind it
    return []


def released(volume: Obj, state: ClusterState) -> list[Action]:
    """Its claim is gone: Released first, then the reclaim policy acts."""
    phase = phase_of(volume)
    if phase == VolumePhase.FAILED:
        return []
    if phase != VolumePhase.RELEASED:
        return [Update(with_phase(volume, VolumePhase.RELEASED, state.now),
                       narration=f"PersistentVolume {name_of(volume)} is Released: its claim was deleted")]
    return reclaim(volume, state)


def reclaim(volume: Obj, state: ClusterState) -> list[Action]:
    policy = (volume.get("spec") or {}).get("persistentVolumeReclaimPolicy")
    if policy == ReclaimPolicy.DELETE:
        return delete(volume, state.now)
    if policy == ReclaimPolicy.RECYCLE:
        return recycle(volume, state.now)
    return []  # Retain: kept, data and all, for an administrator to deal with


def delete(volume: Obj, now: datetime) -> list[Action]:
    if provisioning.is_ours(volume):
        return [Delete(Ref.to(volume), narration=f"Provisioner {provisioning.PROVISIONER}: volume "
                                                 f"{name_of(volume)} was released and its policy is Delete: deleted")]
    message = no_deleter(volume)
    return [Update(with_phase(volume, VolumePhase.FAILED, now, message=message)),
            Emit(volume, "VolumeFailedDelete", message, COMPONENT, type="Warning")]


def recycle(volume: Obj, now: datetime) -> list[Action]:
    scrubbed: dict[str, Any] = copy(volume)
    del scrubbed["spec"]["claimRef"]
    (scrubbed["metadata"].get("annotations") or {}).pop(FILES_ANNOTATION, None)
    return [Update(with_phase(scrubbed, VolumePhase.AVAILABLE, now),
                   narration=f"PersistentVolume {name_of(volume)} was recycled: its files are wiped"),
            Emit(volume, "VolumeRecycled", "Volume recycled", COMPONENT)]
