"""PersistentVolume controller: bind each claim to a volume, and look after volumes once released.

As Kubernetes' `pkg/controller/volume/persistentvolume`, one sync per claim:
1. a claim that names no class at all gets the default StorageClass (what the API server's
   DefaultStorageClass admission does on create; here the controller does it a moment later,
   as Kubernetes' retroactive default class assignment does for claims made before a default
   existed, because admission in `cluster.kinds` sees one object and cannot look classes up);
2. an unbound claim (no `spec.volumeName`) is bound to the best matching Available volume
   (`volume_matching`): the volume gets a `claimRef`, the claim gets `spec.volumeName`, both
   turn `Bound` and carry the `pv.kubernetes.io/bind-completed` / `bound-by-controller`
   annotations;
3. with no volume to bind, the claim's class decides: a class served by our provisioner gets a
   volume made for it (`provisioning`), a `WaitForFirstConsumer` class waits until a pod using
   the claim is scheduled, and a claim without a class says "no persistent volumes available
   for this claim and no storage class is set";
4. a bound claim whose volume vanished is `Lost`.
Then one sync per volume (`volume_reclaim`): Available, Bound, and once its claim is deleted,
Released, then deleted, kept or failed according to its reclaim policy.

### ATTENTION ###
Kubernetes' scheduler, not this controller, writes `volume.kubernetes.io/selected-node` on a
waiting claim. KubeLab's scheduler binds the pod first; this controller then reads the node
off the scheduled consumer and writes the annotation, so the volume still follows the pod.
"""

from enum import StrEnum

from cluster.actions import Action, Emit, Update
from cluster.controllers import provisioning, volume_reclaim
from cluster.controllers.volume_matching import best_match
from cluster.kinds.storage import class_of, is_default_class
from cluster.objects import Obj, copy, name_of, namespace_of
from cluster.scheduling.volumes import consumers
from cluster.state import ClusterState

COMPONENT = "persistentvolume-controller"
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"


class ClaimPhase(StrEnum):
    PENDING = "Pending"
    BOUND = "Bound"
    LOST = "Lost"


class EventReason(StrEnum):
    FAILED_BINDING = "FailedBinding"
    WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"
    EXTERNAL_PROVISIONING = "ExternalProvisioning"
    PROVISIONING_FAILED = "ProvisioningFailed"
    CLAIM_LOST = "ClaimLost"


NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
WAITING = "waiting for first consumer to be created before binding"
LOST = "Bound claim has lost its PersistentVolume. Data on the volume is lost!"


def external_provisioning(provisioner: str) -> str:
    return (f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by "
            "the system administrator. If volume creation is delayed, please verify that the provisioner is running "
            "and correctly registered.")


def reconcile(state: ClusterState) -> list[Action]:
    default = default_class(state)
    actions: list[Action] = []
    for claim in state.of_kind("PersistentVolumeClaim"):
        if not claim["metadata"].get("deletionTimestamp"):
            actions += sync_claim(claim, state, default)
    touched = {name_of(a.obj) for a in actions if isinstance(a, Update) and a.obj["kind"] == "PersistentVolume"}
    for volume in state.of_kind("PersistentVolume"):
        if name_of(volume) not in touched:  # bound just now: one write per object per sync
            actions += volume_reclaim.sync_volume(volume, state)
    return actions


def default_class(state: ClusterState) -> Obj | None:
    """The default StorageClass; with several, the newest, as Kubernetes picks since 1.26."""
    defaults = [sc for sc in state.of_kind("StorageClass", "storage.k8s.io") if is_default_class(sc)]
    return max(defaults, key=lambda sc: (sc["metadata"].get("creationTimestamp", ""), name_of(sc)), default=None)


def sync_claim(claim: Obj, state: ClusterState, default: Obj | None) -> list[Action]:
    spec = claim.get("spec") or {}
    if not spec.get("volumeName"):
        if default is not None and _names_no_class(claim):
            return [assign_class(claim, default)]
        return sync_unbound(claim, state)
    return sync_bound(claim, state)


def _names_no_class(claim: Obj) -> bool:
    """Only a claim with no class at all gets the default: `storageClassName: ""` asks for none."""
    return (claim.get("spec") or {}).get("storageClassName") is None and not class_of(claim)


def assign_class(claim: Obj, default: Obj) -> Update:
    updated = copy(claim)
    updated["spec"]["storageClassName"] = name_of(default)
    return Update(updated, narration=f"PersistentVolumeClaim {_key(claim)} names no class: it gets the default "
                                     f"StorageClass {name_of(default)}")


def sync_unbound(claim: Obj, state: ClusterState) -> list[Action]:
    storage_class = state.get("StorageClass", "", class_of(claim), "storage.k8s.io") if class_of(claim) else None
    delayed = storage_class is not None and storage_class.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER
    node = consumer_node(claim, state) if delayed else None
    if delayed and node is None:
        volume = best_match(claim, [v for v in state.of_kind("PersistentVolume") if _reserved(v)])
    else:
        volume = best_match(claim, state.of_kind("PersistentVolume"), node)
    if volume is not None:
        return bind(volume, claim, state)
    if delayed and node is None:
        return once(state, claim, EventReason.WAIT_FOR_FIRST_CONSUMER, WAITING)
    return provision(claim, storage_class, node, state)


def _reserved(volume: Obj) -> bool:
    return bool((volume.get("spec") or {}).get("claimRef"))


def consumer_node(claim: Obj, state: ClusterState) -> Obj | None:
    """The node of the first scheduled pod that uses the claim (what the scheduler would select)."""
    for pod in consumers(claim, state):
        node_name = (pod.get("spec") or {}).get("nodeName")
        if node_name:
            return state.get("Node", "", node_name)
    return None


def provision(claim: Obj, storage_class: Obj | None, node: Obj | None, state: ClusterState) -> list[Action]:
    """No volume fits: have one made, or say why none will be."""
    wanted = class_of(claim)
    if not wanted:
        return once(state, claim, EventReason.FAILED_BINDING, NO_CLASS)
    if storage_class is None:
        return once(state, claim, EventReason.PROVISIONING_FAILED,
                    f'storageclass.storage.k8s.io "{wanted}" not found', warning=True)
    annotations = claim["metadata"].get("annotations") or {}
    if node is not None and annotations.get(provisioning.SELECTED_NODE) != name_of(node):
        return [select_node(claim, name_of(node))]
    if annotations.get(provisioning.STORAGE_PROVISIONER) != storage_class.get("provisioner"):
        return request_provisioning(claim, str(storage_class.get("provisioner", "")))
    if provisioning.serves(storage_class) and not (claim.get("spec") or {}).get("selector"):
        return provisioning.provision(claim, storage_class, state)
    return []  # another provisioner's class: a real cluster without it would wait here forever too


def select_node(claim: Obj, node: str) -> Update:
    updated = copy(claim)
    updated["metadata"].setdefault("annotations", {})[provisioning.SELECTED_NODE] = node
    return Update(updated, narration=f"PersistentVolumeClaim {_key(claim)}: its first consumer runs on {node}, "
                                     "so its volume is made there")


def request_provisioning(claim: Obj, provisioner: str) -> list[Action]:
    """Annotate the claim for its class's provisioner, as the PV controller hands over to external ones."""
    updated = copy(claim)
    annotations = updated["metadata"].setdefault("annotations", {})
    annotations[provisioning.STORAGE_PROVISIONER] = provisioner
    annotations[provisioning.BETA_STORAGE_PROVISIONER] = provisioner
    return [Update(updated, narration=f"PersistentVolumeClaim {_key(claim)}: no volume fits, asking {provisioner} "
                                      "for one"),
            Emit(claim, EventReason.EXTERNAL_PROVISIONING, external_provisioning(provisioner), COMPONENT)]


def bind(volume: Obj, claim: Obj, state: ClusterState) -> list[Action]:
    """Point the volume at the claim and the claim at the volume; both turn Bound."""
    actions: list[Action] = []
    bound_volume = volume_reclaim.bound_to(volume, claim, state.now)
    if bound_volume != volume:
        actions.append(Update(bound_volume, narration=f"PersistentVolume {name_of(volume)} is bound to claim "
                                                      f"{_key(claim)}"))
    bound_claim = claim_bound_to(claim, volume)
    if bound_claim != claim:
        actions.append(Update(bound_claim, narration=f"PersistentVolumeClaim {_key(claim)} is bound to volume "
                                                     f"{name_of(volume)}"))
    return actions


def claim_bound_to(claim: Obj, volume: Obj) -> Obj:
    bound = copy(claim)
    annotations = bound["metadata"].setdefault("annotations", {})
    if not bound["spec"].get("volumeName"):
        annotations[BOUND_BY_CONTROLLER] = "yes"
    annotations[BIND_COMPLETED] = "yes"
    bound["spec"]["volumeName"] = name_of(volume)
    spec = volume.get("spec") or {}
    bound["status"] = {**(claim.get("status") or {}), "phase": ClaimPhase.BOUND.value,
                       "accessModes": list(spec.get("accessModes") or []),
                       "capacity": dict(spec.get("capacity") or {})}
    return bound


def sync_bound(claim: Obj, state: ClusterState) -> list[Action]:
    """The claim names a volume: finish the binding, or notice the volume is gone."""
    volume = state.get("PersistentVolume", "", claim["spec"]["volumeName"])
    completed = (claim["metadata"].get("annotations") or {}).get(BIND_COMPLETED)
    if volume is None:
        return lost(claim) if completed else []
    ref = (volume.get("spec") or {}).get("claimRef")
    if ref is None and (volume.get("status") or {}).get("phase") == volume_reclaim.VolumePhase.AVAILABLE:
        return bind(volume, claim, state)  # a claim pre-bound by hand to a free volume
    if isinstance(ref, dict) and ref.get("uid") == claim["metadata"].get("uid"):
        return bind(volume, claim, state)
    return []


def lost(claim: Obj) -> list[Action]:
    if (claim.get("status") or {}).get("phase") == ClaimPhase.LOST:
        return []
    updated = copy(claim)
    updated["status"] = {"phase": ClaimPhase.LOST.value}
    return [Update(updated, narration=f"PersistentVolumeClaim {_key(claim)} lost its volume"),
            Emit(claim, EventReason.CLAIM_LOST, LOST, COMPONENT, type="Warning")]


def once(state: ClusterState, claim: Obj, reason: str, message: str, *, warning: bool = False) -> list[Action]:
    """An event said once per situation: a second sync on the same state must return nothing."""
    uid = str(claim["metadata"].get("uid", ""))
    if state.similar_event((uid, str(reason), message, COMPONENT)) is not None:
        return []
    return [Emit(claim, reason, message, COMPONENT, type="Warning" if warning else "Normal")]


def _key(obj: Obj) -> str:
    return f"{namespace_of(obj)}/{name_of(obj)}"
