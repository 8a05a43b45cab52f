"""The sandbox's storage provisioner, `kubelab.io/hostpath`: volumes made on demand.

A real cluster runs a provisioner per storage system (kind runs `rancher.io/local-path`,
which makes a directory on a node). When a claim names a class whose `provisioner` it
serves, it creates a PersistentVolume for that claim: named `pvc-<claim uid>`, as big as
the claim asked, with the claim's access modes, the class's reclaim policy, a `claimRef`
already pointing at the claim (so the PV controller binds the two) and the annotation
`pv.kubernetes.io/provisioned-by` naming itself. When such a volume is released and its
policy is `Delete`, the provisioner deletes it (and the data on it) too.

Every sandbox starts with one StorageClass served by it, `standard`, marked as the default.
"""

from typing import Any

from cluster.actions import Action, Create, Emit
from cluster.kinds.storage import DEFAULT_CLASS_ANNOTATIONS
from cluster.objects import Obj, name_of, namespace_of, uid_of
from cluster.state import ClusterState

PROVISIONER = "kubelab.io/hostpath"
# Events from an external provisioner name it and its instance, as `rancher.io/local-path_<pod>` does.
COMPONENT = f"{PROVISIONER}_kubelab-provisioner"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
DEFAULT_CLASS = "standard"
HOST_ROOT = "/var/lib/kubelab/volumes"


def default_storage_class() -> Obj:
    """The `standard` class every sandbox is seeded with."""
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": DEFAULT_CLASS, "annotations": {DEFAULT_CLASS_ANNOTATIONS[0]: "true"}},
            "provisioner": PROVISIONER, "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}


def serves(storage_class: Obj | None) -> bool:
    return storage_class is not None and storage_class.get("provisioner") == PROVISIONER


def volume_name(claim: Obj) -> str:
    return f"pvc-{uid_of(claim)}"


def provisioned_volume(claim: Obj, storage_class: Obj) -> Obj:
    """The PersistentVolume made for `claim`: pre-bound to it, sized and shaped as it asked.

    Unlike local-path's, it has no nodeAffinity: the simulated disk is reachable from every
    node, so a pod re-created on another node still finds its data. A claim waiting for its
    first consumer still gets its volume only once that consumer is scheduled.
    """
    spec = claim.get("spec") or {}
    volume_spec: dict[str, Any] = {
        "capacity": {"storage": str(((spec.get("resources") or {}).get("requests") or {}).get("storage"))},
        "accessModes": list(spec.get("accessModes") or []),
        "persistentVolumeReclaimPolicy": storage_class.get("reclaimPolicy", "Delete"),
        "storageClassName": name_of(storage_class),
        "volumeMode": spec.get("volumeMode", "Filesystem"),
        "claimRef": claim_ref(claim),
        "hostPath": {"path": f"{HOST_ROOT}/{volume_name(claim)}_{namespace_of(claim)}_{name_of(claim)}",
                     "type": "DirectoryOrCreate"},
    }
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": volume_name(claim), "annotations": {PROVISIONED_BY: PROVISIONER}},
            "spec": volume_spec}


def claim_ref(claim: Obj) -> dict[str, Any]:
    meta = claim["metadata"]
    return {"kind": "PersistentVolumeClaim", "namespace": meta.get("namespace", ""), "name": meta.get("name", ""),
            "uid": meta.get("uid", ""), "apiVersion": "v1", "resourceVersion": meta.get("resourceVersion", "")}


def provision(claim: Obj, storage_class: Obj, state: ClusterState) -> list[Action]:
    """Create the claim's volume, unless it exists already (it is named after the claim's uid)."""
    if state.get("PersistentVolume", "", volume_name(claim)) is not None:
        return []
    volume = provisioned_volume(claim, storage_class)
    key = f"{namespace_of(claim)}/{name_of(claim)}"
    return [Emit(claim, "Provisioning", f'External provisioner is provisioning volume for claim "{key}"', COMPONENT),
            Create(volume, narration=f"Provisioner {PROVISIONER}: created volume {name_of(volume)} for claim {key}"),
            Emit(claim, "ProvisioningSucceeded", f"Successfully provisioned volume {name_of(volume)}", COMPONENT)]


def is_ours(volume: Obj) -> bool:
    return (volume["metadata"].get("annotations") or {}).get(PROVISIONED_BY) == PROVISIONER
