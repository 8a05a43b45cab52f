"""PersistentVolume, PersistentVolumeClaim and StorageClass: storage that outlives pods.

A pod asks for storage through a claim (PVC: "5Gi, ReadWriteOnce, class standard"); the
claim binds to a volume (PV) that satisfies it, either made by hand or provisioned on demand
by the provisioner its StorageClass names. Claims and volumes start `Pending` / `Available`
and report `Bound` once matched; a released volume is kept (`Retain`) or deleted (`Delete`).
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.workload import set_missing
from cluster.objects import Obj, annotations_of, is_terminating, name_of
from cluster.validation import object_meta, required, unsupported_value

ACCESS_MODES = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
BINDING_MODES = ["Immediate", "WaitForFirstConsumer"]
CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
DEFAULT_CLASS_ANNOTATIONS = ("storageclass.kubernetes.io/is-default-class",
                             "storageclass.beta.kubernetes.io/is-default-class")
# Where KubeLab keeps the simulated files written to a volume (`cluster.volumes`): a JSON map on the PV.
FILES_ANNOTATION = "kubelab.io/files"
VOLUME_SOURCES = ("hostPath", "local", "nfs", "csi", "iscsi", "fc", "awsElasticBlockStore", "gcePersistentDisk",
                  "azureDisk", "azureFile", "cephfs", "rbd", "glusterfs", "flexVolume", "portworxVolume",
                  "vsphereVolume", "scaleIO", "storageos", "quobyte", "photonPersistentDisk", "cinder", "flocker")


def default_claim(pvc: Obj) -> None:
    """Also used for a StatefulSet's volumeClaimTemplates, which the API server defaults the same way."""
    pvc.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
    pvc.setdefault("status", {}).setdefault("phase", "Pending")


def default_volume(pv: Obj) -> None:
    set_missing(pv.setdefault("spec", {}), {"persistentVolumeReclaimPolicy": "Retain", "volumeMode": "Filesystem"})
    pv.setdefault("status", {}).setdefault("phase", "Pending")


def default_class(sc: Obj) -> None:
    set_missing(sc, {"reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"})


def validate_access_modes(spec: dict[str, Any]) -> list[Cause]:
    modes = spec.get("accessModes") or []
    if not modes:
        return [required("spec.accessModes", "at least 1 access mode is required")]
    return [unsupported_value("spec.accessModes", mode, list(ACCESS_MODES)) for mode in modes
            if mode not in ACCESS_MODES]


def validate_claim(pvc: Obj) -> list[Cause]:
    causes = object_meta(pvc, namespaced=True)
    spec = pvc.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    causes += validate_access_modes(spec)
    if not ((spec.get("resources") or {}).get("requests") or {}).get("storage"):
        causes.append(required("spec.resources[storage]"))
    return causes


def validate_volume(pv: Obj) -> list[Cause]:
    causes = object_meta(pv, namespaced=False)
    spec = pv.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    causes += validate_access_modes(spec)
    if not (spec.get("capacity") or {}).get("storage"):
        causes.append(required("spec.capacity"))
    if not any(spec.get(source) for source in VOLUME_SOURCES):
        causes.append(required("spec", "must specify a volume type"))
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy not in RECLAIM_POLICIES:
        causes.append(unsupported_value("spec.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES))
    return causes


def validate_class(sc: Obj) -> list[Cause]:
    causes = object_meta(sc, namespaced=False)
    if not sc.get("provisioner"):
        causes.append(required("provisioner"))
    if sc.get("reclaimPolicy") not in ("Delete", "Retain"):
        causes.append(unsupported_value("reclaimPolicy", sc.get("reclaimPolicy"), ["Delete", "Retain"]))
    if sc.get("volumeBindingMode") not in BINDING_MODES:
        causes.append(unsupported_value("volumeBindingMode", sc.get("volumeBindingMode"), BINDING_MODES))
    return causes


def access_modes_text(modes: Any) -> str:
    """`RWO,RWX`, always in Kubernetes' fixed order whatever order the object lists them in."""
    present = set(modes or [])
    return ",".join(short for mode, short in ACCESS_MODES.items() if mode in present)


def class_of(obj: Obj) -> str:
    return str(annotations_of(obj).get(CLASS_ANNOTATION) or (obj.get("spec") or {}).get("storageClassName") or "")


def phase(obj: Obj) -> str:
    return "Terminating" if is_terminating(obj) else str((obj.get("status") or {}).get("phase", ""))


def claim_cells(pvc: Obj, now: datetime) -> list[Any]:
    spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
    bound = bool(spec.get("volumeName"))
    capacity = str((status.get("capacity") or {}).get("storage", "")) if bound else ""
    modes = access_modes_text(status.get("accessModes")) if bound else ""
    return [name_of(pvc), phase(pvc), spec.get("volumeName", ""), capacity, modes, class_of(pvc),
            spec.get("volumeAttributesClassName") or "<unset>", age(pvc, now), spec.get("volumeMode") or "<unset>"]


def volume_cells(pv: Obj, now: datetime) -> list[Any]:
    spec, status = pv.get("spec") or {}, pv.get("status") or {}
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if isinstance(ref, dict) else ""
    capacity = str((spec.get("capacity") or {}).get("storage", ""))
    return [name_of(pv), capacity, access_modes_text(spec.get("accessModes")),
            spec.get("persistentVolumeReclaimPolicy", ""), phase(pv), claim, class_of(pv),
            spec.get("volumeAttributesClassName") or "<unset>", status.get("reason", ""), age(pv, now),
            spec.get("volumeMode") or "<unset>"]


def is_default_class(sc: Obj) -> bool:
    return any(annotations_of(sc).get(key) == "true" for key in DEFAULT_CLASS_ANNOTATIONS)


def class_cells(sc: Obj, now: datetime) -> list[Any]:
    name = name_of(sc) + (" (default)" if is_default_class(sc) else "")
    return [name, sc.get("provisioner", ""), sc.get("reclaimPolicy", "Delete"),
            sc.get("volumeBindingMode", "Immediate"), bool(sc.get("allowVolumeExpansion", False)), age(sc, now)]


VOLUME_MODE = Column("VolumeMode", priority=1, description="volumeMode defines what type of volume is required by "
                     "the claim.")

PERSISTENT_VOLUME_CLAIM = register(Kind(
    group="", version="v1", kind="PersistentVolumeClaim", plural="persistentvolumeclaims", short_names=("pvc",),
    subresources=("status",), default=default_claim, validate=validate_claim,
    columns=(NAME, Column("Status", description="phase represents the current phase of PersistentVolumeClaim."),
             Column("Volume", description="volumeName is the binding reference to the PersistentVolume backing "
                    "this claim."),
             Column("Capacity", description="capacity represents the actual resources of the underlying volume."),
             Column("Access Modes", description="accessModes contains the actual access modes the volume backing "
                    "the PVC has."),
             Column("StorageClass", description="StorageClass of the pvc"),
             Column("VolumeAttributesClass", description="VolumeAttributesClass of the pvc"), AGE, VOLUME_MODE),
    cells=claim_cells,
))
PERSISTENT_VOLUME = register(Kind(
    group="", version="v1", kind="PersistentVolume", plural="persistentvolumes", namespaced=False,
    short_names=("pv",), subresources=("status",), default=default_volume, validate=validate_volume,
    columns=(NAME, Column("Capacity", description="capacity is the description of the persistent volume's "
                          "resources and capacity."),
             Column("Access Modes", description="accessModes contains all ways the volume can be mounted."),
             Column("Reclaim Policy", description="persistentVolumeReclaimPolicy defines what happens to a "
                    "persistent volume when released from its claim."),
             Column("Status", description="phase indicates if a volume is available, bound to a claim, or released "
                    "by a claim."),
             Column("Claim", description="claimRef is part of a bi-directional binding between PersistentVolume "
                    "and PersistentVolumeClaim."),
             Column("StorageClass", description="StorageClass of the pv"),
             Column("VolumeAttributesClass", description="VolumeAttributesClass of the pv"),
             Column("Reason", description="reason is a brief CamelCase string that describes any failure and is "
                    "meant for machine parsing and tidy display in the CLI."), AGE, VOLUME_MODE),
    cells=volume_cells,
))
STORAGE_CLASS = register(Kind(
    group="storage.k8s.io", version="v1", kind="StorageClass", plural="storageclasses", namespaced=False,
    short_names=("sc",), has_spec=False, default=default_class, validate=validate_class,
    columns=(NAME, Column("Provisioner", description="provisioner indicates the type of the provisioner."),
             Column("ReclaimPolicy", description="reclaimPolicy controls the reclaimPolicy for dynamically "
                    "provisioned PersistentVolumes of this storage class."),
             Column("VolumeBindingMode", description="volumeBindingMode indicates how PersistentVolumeClaims should "
                    "be provisioned and bound."),
             Column("AllowVolumeExpansion", description="allowVolumeExpansion shows whether the storage class allow "
                    "volume expand."), AGE),
    cells=class_cells,
))
