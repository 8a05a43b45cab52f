"""The PersistentVolume controller, the provisioner and the scheduler's claim checks.

Pure tests build a state and look at the actions; scenario tests drive the store, advance the
sandbox clock and run the reconcile loop, then read what `kubectl get` would show.
"""

import pytest

from cluster import clock, kinds, reconcile, scheduler, store
from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers import provisioning, volume_binding
from cluster.kinds import Kind
from cluster.models import KubeObject, Sandbox
from cluster.objects import Obj, condition, name_of, uid_of
from cluster.scheduling import volumes
from cluster.scheduling.pods import PodInfo
from tests.builders import T0, new_node, new_pod, state_of
from tests.cluster.storage_builders import new_claim, new_class, new_volume, pod_with_claim


def kind(name: str, group: str = "") -> Kind:
    found = kinds.by_kind(group, name)
    assert found is not None
    return found


def writes(actions: list[Action]) -> list[Action]:
    return [a for a in actions if not isinstance(a, WakeAt)]


def updated(actions: list[Action], kind_name: str) -> Obj:
    return next(a.obj for a in actions if isinstance(a, Update) and a.obj["kind"] == kind_name)


def reasons(actions: list[Action]) -> list[str]:
    return [a.reason for a in actions if isinstance(a, Emit)]


def bound_pair(policy: str = "Retain") -> tuple[Obj, Obj]:
    claim = new_claim(storage_class="", volume="pv-1")
    claim["metadata"]["annotations"] = {volume_binding.BIND_COMPLETED: "yes"}
    claim["status"] = {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}
    return claim, new_volume("pv-1", phase="Bound", claim=claim, policy=policy)


# --- pure: binding --------------------------------------------------------------------------------

def test_it_does_nothing_for_a_bound_claim_and_its_volume() -> None:
    claim, volume = bound_pair()
    assert writes(volume_binding.reconcile(state_of(new_class(), claim, volume))) == []


def test_it_gives_a_claim_without_a_class_the_default_one() -> None:
    actions = volume_binding.reconcile(state_of(new_class(), new_claim()))
    assert updated(actions, "PersistentVolumeClaim")["spec"]["storageClassName"] == "standard"


def test_it_leaves_a_claim_asking_for_no_class_without_one() -> None:
    actions = volume_binding.reconcile(state_of(new_class(), new_claim(storage_class="")))
    assert [(a.reason, a.message) for a in actions if isinstance(a, Emit)] == [
        ("FailedBinding", "no persistent volumes available for this claim and no storage class is set")]


def test_it_says_failed_binding_only_once() -> None:
    state = state_of(new_claim(storage_class=""))
    first = volume_binding.reconcile(state)
    event = store.new_event(first[0], T0)  # type: ignore[arg-type]
    state.put({**event, "metadata": {"name": "e", "namespace": "default", "uid": "e1"}})
    assert writes(volume_binding.reconcile(state)) == []


def test_it_binds_the_smallest_volume_that_fits() -> None:
    claim = new_claim(storage_class="", size="2Gi", modes=("ReadWriteOnce",))
    candidates = [new_volume("big", size="10Gi"), new_volume("small", size="1Gi"), new_volume("fit", size="3Gi"),
                  new_volume("rox", size="2Gi", modes=("ReadOnlyMany",)), new_volume("classy", storage_class="fast")]
    actions = volume_binding.reconcile(state_of(claim, *candidates))
    volume, bound = updated(actions, "PersistentVolume"), updated(actions, "PersistentVolumeClaim")
    assert name_of(volume) == "fit"
    assert volume["spec"]["claimRef"]["uid"] == uid_of(claim)
    assert volume["status"]["phase"] == "Bound"
    assert volume["metadata"]["annotations"] == {"pv.kubernetes.io/bound-by-controller": "yes"}
    assert bound["spec"]["volumeName"] == "fit"
    assert bound["metadata"]["annotations"] == {"pv.kubernetes.io/bind-completed": "yes",
                                                "pv.kubernetes.io/bound-by-controller": "yes"}
    assert bound["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "3Gi"}}


def test_it_binds_only_volumes_its_selector_matches() -> None:
    claim = new_claim(storage_class="", selector={"matchLabels": {"tier": "db"}})
    actions = volume_binding.reconcile(state_of(claim, new_volume("a"), new_volume("b", labels={"tier": "db"})))
    assert name_of(updated(actions, "PersistentVolume")) == "b"


# --- pure: provisioning ---------------------------------------------------------------------------

def test_it_asks_the_provisioner_of_the_claims_class() -> None:
    actions = volume_binding.reconcile(state_of(new_class(), new_claim(storage_class="standard")))
    annotations = updated(actions, "PersistentVolumeClaim")["metadata"]["annotations"]
    assert annotations["volume.kubernetes.io/storage-provisioner"] == "kubelab.io/hostpath"
    events = [a for a in actions if isinstance(a, Emit)]
    assert [e.reason for e in events] == ["ExternalProvisioning"]
    assert "external provisioner 'kubelab.io/hostpath'" in events[0].message


def test_it_provisions_a_volume_named_after_the_claim() -> None:
    claim = new_claim(storage_class="standard", size="5Gi")
    claim["metadata"]["annotations"] = {provisioning.STORAGE_PROVISIONER: provisioning.PROVISIONER}
    actions = volume_binding.reconcile(state_of(new_class(), claim))
    volume = next(a.obj for a in actions if isinstance(a, Create))
    assert name_of(volume) == f"pvc-{uid_of(claim)}"
    assert volume["metadata"]["annotations"] == {"pv.kubernetes.io/provisioned-by": "kubelab.io/hostpath"}
    assert volume["spec"]["claimRef"]["name"] == "data"
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["capacity"] == {"storage": "5Gi"}
    assert reasons(actions) == ["Provisioning", "ProvisioningSucceeded"]


def test_it_waits_for_the_first_consumer_before_provisioning() -> None:
    lazy = new_class("lazy", mode="WaitForFirstConsumer", default=False)
    claim = new_claim(storage_class="lazy")
    assert reasons(volume_binding.reconcile(state_of(lazy, claim))) == ["WaitForFirstConsumer"]
    scheduled = pod_with_claim(node="node-2")
    actions = volume_binding.reconcile(state_of(lazy, claim, scheduled, new_node("node-2")))
    assert updated(actions, "PersistentVolumeClaim")["metadata"]["annotations"] == {
        "volume.kubernetes.io/selected-node": "node-2"}


def test_it_says_a_missing_class_is_not_found() -> None:
    actions = volume_binding.reconcile(state_of(new_claim(storage_class="fast")))
    assert [(a.reason, a.message, a.type) for a in actions if isinstance(a, Emit)] == [
        ("ProvisioningFailed", 'storageclass.storage.k8s.io "fast" not found', "Warning")]


# --- pure: release and reclaim ---------------------------------------------------------------------

def test_it_releases_a_volume_whose_claim_is_gone() -> None:
    _, volume = bound_pair()
    actions = volume_binding.reconcile(state_of(volume))
    assert updated(actions, "PersistentVolume")["status"]["phase"] == "Released"


def test_it_keeps_a_released_volume_with_retain() -> None:
    _, volume = bound_pair("Retain")
    volume["status"]["phase"] = "Released"
    assert writes(volume_binding.reconcile(state_of(volume))) == []


def test_it_deletes_a_released_volume_it_provisioned() -> None:
    _, volume = bound_pair("Delete")
    volume["metadata"]["annotations"] = {provisioning.PROVISIONED_BY: provisioning.PROVISIONER}
    volume["status"]["phase"] = "Released"
    assert [type(a) for a in volume_binding.reconcile(state_of(volume))] == [Delete]


def test_it_fails_a_released_hand_made_volume_with_delete() -> None:
    _, volume = bound_pair("Delete")
    volume["status"]["phase"] = "Released"
    actions = volume_binding.reconcile(state_of(volume))
    assert updated(actions, "PersistentVolume")["status"]["phase"] == "Failed"
    assert reasons(actions) == ["VolumeFailedDelete"]


def test_it_marks_a_claim_lost_when_its_volume_vanishes() -> None:
    claim, _ = bound_pair()
    actions = volume_binding.reconcile(state_of(claim))
    assert updated(actions, "PersistentVolumeClaim")["status"] == {"phase": "Lost"}
    assert reasons(actions) == ["ClaimLost"]


# --- pure: the scheduler's claim checks -------------------------------------------------------------

NOT_HELPFUL = "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."


def test_it_refuses_a_pod_whose_claim_is_missing() -> None:
    assert volumes.refusal(pod_with_claim(claim="nope"), state_of()) == 'persistentvolumeclaim "nope" not found'


def test_it_refuses_a_pod_whose_immediate_claim_is_unbound() -> None:
    state = state_of(new_class(), new_claim(storage_class="standard"))
    assert volumes.refusal(pod_with_claim(), state) == "pod has unbound immediate PersistentVolumeClaims"


def test_it_lets_a_pod_with_a_waiting_claim_be_scheduled() -> None:
    state = state_of(new_class("lazy", mode="WaitForFirstConsumer"), new_claim(storage_class="lazy"))
    assert volumes.refusal(pod_with_claim(), state) is None


def test_it_words_the_failure_once_for_all_nodes() -> None:
    message = volumes.fit_error(PodInfo.of(new_pod()), "pod has unbound immediate PersistentVolumeClaims",
                                ["node-1", "node-2", "node-3"])
    assert message == f"0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. {NOT_HELPFUL}"


def test_it_records_failed_scheduling_for_a_missing_claim() -> None:
    state = state_of(pod_with_claim(claim="nope"), *(new_node(f"node-{i}") for i in (1, 2, 3)))
    actions = scheduler.reconcile(state)
    pod = updated(actions, "Pod")
    assert "nodeName" not in pod["spec"]
    assert [(a.reason, a.message) for a in actions if isinstance(a, Emit)] == [
        ("FailedScheduling", f'0/3 nodes are available: persistentvolumeclaim "nope" not found. {NOT_HELPFUL}')]


# --- scenarios through the store ------------------------------------------------------------------

def settle(sandbox: Sandbox, seconds: float = 5) -> None:
    clock.advance(sandbox, seconds)
    assert reconcile.run(sandbox.pk)


def create_claim(sandbox: Sandbox, name: str = "data", **spec: object) -> Obj:
    body = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, **spec}}
    return store.create(sandbox, body, namespace="default")


def get(sandbox: Sandbox, kind_name: str, name: str, namespace: str = "") -> Obj:
    return store.get(sandbox, kind(kind_name), namespace, name)


def events_of(sandbox: Sandbox, name: str) -> list[tuple[str, str, str]]:
    rows = KubeObject.objects.filter(sandbox=sandbox, kind="Event").values_list("body", flat=True)
    found = [e for e in rows if e["involvedObject"].get("name") == name]
    return [(e["reason"], e["message"], e["source"]["component"])
            for e in sorted(found, key=lambda e: int(e["metadata"]["resourceVersion"]))]


@pytest.mark.django_db
def test_it_seeds_the_default_class(sandbox: Sandbox) -> None:
    sc = store.get(sandbox, kind("StorageClass", "storage.k8s.io"), "", "standard")
    assert sc["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert (sc["provisioner"], sc["reclaimPolicy"], sc["volumeBindingMode"]) == (
        "kubelab.io/hostpath", "Delete", "Immediate")


@pytest.mark.django_db
def test_it_binds_a_claim_of_the_default_class_to_a_provisioned_volume(sandbox: Sandbox) -> None:
    claim = create_claim(sandbox, resources={"requests": {"storage": "2Gi"}})
    settle(sandbox)
    claim = get(sandbox, "PersistentVolumeClaim", "data", "default")
    volume = get(sandbox, "PersistentVolume", f"pvc-{uid_of(claim)}")
    assert claim["spec"]["storageClassName"] == "standard"
    assert claim["spec"]["volumeName"] == name_of(volume)
    assert claim["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "2Gi"}}
    assert volume["status"]["phase"] == "Bound"
    assert [r for r, _, _ in events_of(sandbox, "data")] == ["ExternalProvisioning", "Provisioning",
                                                             "ProvisioningSucceeded"]
    assert events_of(sandbox, "data")[2][2] == "kubelab.io/hostpath_kubelab-provisioner"
    assert writes(volume_binding.reconcile(store.load_state(sandbox))) == []  # settled: nothing left to do


@pytest.mark.django_db
def test_it_keeps_a_pod_pending_until_its_claim_exists(sandbox: Sandbox) -> None:
    store.create(sandbox, pod_with_claim(claim="data"), namespace="default")
    settle(sandbox)
    pod = get(sandbox, "Pod", "web", "default")
    assert pod["status"]["phase"] == "Pending"
    assert (condition(pod, "PodScheduled") or {}).get("reason") == "Unschedulable"
    assert ("FailedScheduling", f'0/3 nodes are available: persistentvolumeclaim "data" not found. {NOT_HELPFUL}',
            "default-scheduler") in events_of(sandbox, "web")
    create_claim(sandbox)
    for _ in range(3):
        settle(sandbox)
    assert get(sandbox, "Pod", "web", "default")["status"]["phase"] == "Running"


@pytest.mark.django_db
def test_it_deletes_a_provisioned_volume_with_its_claim(sandbox: Sandbox) -> None:
    create_claim(sandbox)
    settle(sandbox)
    volume = get(sandbox, "PersistentVolumeClaim", "data", "default")["spec"]["volumeName"]
    store.delete(sandbox, kind("PersistentVolumeClaim"), "default", "data")
    settle(sandbox)
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="PersistentVolume", name=volume).exists()


@pytest.mark.django_db
def test_it_keeps_a_retained_volume_released(sandbox: Sandbox) -> None:
    store.create(sandbox, {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "keep"},
                           "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                    "hostPath": {"path": "/mnt/keep"}}})
    create_claim(sandbox, storageClassName="")
    settle(sandbox)
    assert get(sandbox, "PersistentVolumeClaim", "data", "default")["spec"]["volumeName"] == "keep"
    store.delete(sandbox, kind("PersistentVolumeClaim"), "default", "data")
    settle(sandbox)
    settle(sandbox)
    volume = get(sandbox, "PersistentVolume", "keep")
    assert (volume["spec"]["persistentVolumeReclaimPolicy"], volume["status"]["phase"]) == ("Retain", "Released")
