"""The StatefulSet controller, pure: builders in, actions out."""

from typing import Any

from cluster.actions import Create, Delete, Emit, Update
from cluster.controllers import revisions, statefulset
from cluster.controllers.statefulset import status
from cluster.controllers.statefulset.identity import new_pod
from cluster.objects import Obj, labels_of, name_of, rfc3339
from tests.builders import T0, stamp, state_of


def new_statefulset(name: str = "web", *, replicas: int = 3, image: str = "nginx:1.25", policy: str = "OrderedReady",
                    partition: int | None = 0, claims: bool = False, retention: dict[str, str] | None = None) -> Obj:
    labels = {"app": name}
    strategy: dict[str, Any] = {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}}
    if partition is None:
        strategy = {"type": "OnDelete"}
    spec: dict[str, Any] = {
        "replicas": replicas, "serviceName": name, "podManagementPolicy": policy, "updateStrategy": strategy,
        "revisionHistoryLimit": 10, "selector": {"matchLabels": dict(labels)},
        "persistentVolumeClaimRetentionPolicy": retention or {"whenDeleted": "Retain", "whenScaled": "Retain"},
        "template": {"metadata": {"labels": dict(labels)},
                     "spec": {"containers": [{"name": "nginx", "image": image}]}}}
    if claims:
        spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
    return stamp({"apiVersion": "apps/v1", "kind": "StatefulSet",
                  "metadata": {"name": name, "namespace": "default", "labels": dict(labels)},
                  "spec": spec, "status": {"replicas": 0, "availableReplicas": 0}})


def revision_of(sts: Obj, number: int = 1) -> Obj:
    revision = stamp(statefulset.candidate(sts, 0))
    revision["revision"] = number
    return revision


def member(sts: Obj, ordinal: int, revision: Obj, *, phase: str = "Running", ready: bool = True) -> Obj:
    pod = stamp(new_pod(sts, revisions.template_of(revision), ordinal, name_of(revision)))
    pod["spec"]["nodeName"] = "node-1"
    pod["status"] = {"phase": phase, "conditions": [
        {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": rfc3339(T0)}]}
    return pod


def synced(sts: Obj, pods: list[Obj], revision: Obj) -> Obj:
    sts["status"] = status.calculate(sts, pods, name_of(revision), name_of(revision), 0, T0)
    return sts


def of_type(actions: list, kind: type) -> list:
    return [a for a in actions if isinstance(a, kind)]


def created(actions: list, kind: str = "Pod") -> list[Obj]:
    return [a.obj for a in of_type(actions, Create) if a.obj["kind"] == kind]


def test_it_does_nothing_when_every_ordinal_is_running_and_ready() -> None:
    sts = new_statefulset()
    revision = revision_of(sts)
    pods = [member(sts, i, revision) for i in range(3)]
    assert statefulset.reconcile(state_of(synced(sts, pods, revision), revision, *pods)) == []


def test_it_creates_only_the_first_ordinal_with_its_identity() -> None:
    sts = new_statefulset()
    actions = statefulset.reconcile(state_of(sts))
    pods = created(actions)
    assert [name_of(p) for p in pods] == ["web-0"]
    pod = pods[0]
    revision = created(actions, "ControllerRevision")[0]
    assert pod["spec"]["hostname"] == "web-0" and pod["spec"]["subdomain"] == "web"
    assert labels_of(pod) == {"app": "web", "statefulset.kubernetes.io/pod-name": "web-0",
                              "apps.kubernetes.io/pod-index": "0", "controller-revision-hash": name_of(revision)}
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"
    assert labels_of(revision)["controller.kubernetes.io/hash"] == name_of(revision).removeprefix("web-")
    assert [(e.reason, e.message) for e in of_type(actions, Emit)] == [
        ("SuccessfulCreate", "create Pod web-0 in StatefulSet web successful")]


def test_it_waits_for_the_previous_ordinal_to_be_running_and_ready() -> None:
    sts = new_statefulset()
    revision = revision_of(sts)
    starting = member(sts, 0, revision, phase="Pending", ready=False)
    assert created(statefulset.reconcile(state_of(sts, revision, starting))) == []
    running = member(sts, 0, revision)
    assert [name_of(p) for p in created(statefulset.reconcile(state_of(sts, revision, running)))] == ["web-1"]


def test_it_creates_every_ordinal_at_once_in_parallel_mode() -> None:
    sts = new_statefulset(policy="Parallel")
    assert [name_of(p) for p in created(statefulset.reconcile(state_of(sts)))] == ["web-0", "web-1", "web-2"]


def test_it_scales_down_from_the_highest_ordinal_one_at_a_time() -> None:
    sts = new_statefulset(replicas=1)
    revision = revision_of(sts)
    pods = [member(sts, i, revision) for i in range(3)]
    actions = statefulset.reconcile(state_of(sts, revision, *pods))
    assert [d.ref.name for d in of_type(actions, Delete)] == ["web-2"]
    assert ("SuccessfulDelete", "delete Pod web-2 in StatefulSet web successful") in [
        (e.reason, e.message) for e in of_type(actions, Emit)]

    pods[2]["metadata"]["deletionTimestamp"] = rfc3339(T0)
    assert of_type(statefulset.reconcile(state_of(sts, revision, *pods)), Delete) == []


def test_it_creates_claims_before_the_pod_and_mounts_them() -> None:
    sts = new_statefulset(claims=True)
    actions = statefulset.reconcile(state_of(sts))
    kinds = [a.obj["kind"] for a in of_type(actions, Create)]
    assert kinds.index("PersistentVolumeClaim") < kinds.index("Pod")
    claim = created(actions, "PersistentVolumeClaim")[0]
    assert name_of(claim) == "data-web-0" and labels_of(claim) == {"app": "web"}
    assert "ownerReferences" not in claim["metadata"]  # Retain: it outlives the pod and the set
    assert created(actions)[0]["spec"]["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName":
                                                                                                 "data-web-0"}}]
    assert ("SuccessfulCreate", "create Claim data-web-0 Pod web-0 in StatefulSet web success") in [
        (e.reason, e.message) for e in of_type(actions, Emit)]


def test_it_reuses_an_existing_claim() -> None:
    sts = new_statefulset(claims=True)
    kept = stamp(statefulset.claims.new_claim(sts, sts["spec"]["volumeClaimTemplates"][0], 0))
    actions = statefulset.reconcile(state_of(sts, kept))
    assert created(actions, "PersistentVolumeClaim") == []
    assert [name_of(p) for p in created(actions)] == ["web-0"]


def test_it_hands_a_condemned_pods_claim_to_the_pod_when_scaled_claims_are_deleted() -> None:
    sts = new_statefulset(replicas=1, claims=True, retention={"whenDeleted": "Retain", "whenScaled": "Delete"})
    revision = revision_of(sts)
    pods = [member(sts, i, revision) for i in range(2)]
    claims = [stamp(statefulset.claims.new_claim(sts, sts["spec"]["volumeClaimTemplates"][0], i)) for i in range(2)]
    actions = statefulset.reconcile(state_of(sts, revision, *pods, *claims))
    owned = [a.obj for a in of_type(actions, Update) if a.obj["kind"] == "PersistentVolumeClaim"]
    assert [(name_of(c), [r["name"] for r in c["metadata"]["ownerReferences"]]) for c in owned] == [
        ("data-web-1", ["web-1"])]


def test_it_updates_from_the_highest_ordinal_down_to_the_partition() -> None:
    sts = new_statefulset(partition=1)
    old = revision_of(sts)
    pods = [member(sts, i, old) for i in range(3)]
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    actions = statefulset.reconcile(state_of(sts, old, *pods))
    assert [d.ref.name for d in of_type(actions, Delete)] == ["web-2"]

    new = revision_of(sts, 2)
    pods[2] = member(sts, 2, new)
    actions = statefulset.reconcile(state_of(sts, old, new, *pods))
    assert [d.ref.name for d in of_type(actions, Delete)] == ["web-1"]

    pods[1] = member(sts, 1, new)
    assert of_type(statefulset.reconcile(state_of(sts, old, new, *pods)), Delete) == []


def test_it_waits_for_an_updated_pod_to_be_ready_before_the_next() -> None:
    sts = new_statefulset()
    old = revision_of(sts)
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    new = revision_of(sts, 2)
    pods = [member(sts, 0, old), member(sts, 1, old), member(sts, 2, new, ready=False)]
    assert of_type(statefulset.reconcile(state_of(sts, old, new, *pods)), Delete) == []


def test_it_recreates_a_missing_ordinal_at_the_update_revision_above_the_partition() -> None:
    sts = new_statefulset(partition=1)
    old = revision_of(sts)
    sts["status"]["currentRevision"] = name_of(old)
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    pods = [member(sts, 0, old), member(sts, 1, old)]
    pod = created(statefulset.reconcile(state_of(sts, old, *pods)))[0]
    assert name_of(pod) == "web-2" and pod["spec"]["containers"][0]["image"] == "nginx:1.26"

    pods = [member(sts, 1, old), member(sts, 2, old)]
    pod = created(statefulset.reconcile(state_of(sts, old, *pods)))[0]
    assert name_of(pod) == "web-0" and pod["spec"]["containers"][0]["image"] == "nginx:1.25"


def test_it_leaves_old_pods_alone_on_delete() -> None:
    sts = new_statefulset(partition=None)
    old = revision_of(sts)
    pods = [member(sts, i, old) for i in range(3)]
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    assert of_type(statefulset.reconcile(state_of(sts, old, *pods)), Delete) == []


def test_it_recreates_a_failed_pod() -> None:
    sts = new_statefulset(replicas=1)
    revision = revision_of(sts)
    failed = member(sts, 0, revision, phase="Failed", ready=False)
    actions = statefulset.reconcile(state_of(sts, revision, failed))
    assert [d.ref.name for d in of_type(actions, Delete)] == ["web-0"]
    assert ("RecreatingFailedPod", "StatefulSet default/web is recreating failed Pod web-0") in [
        (e.reason, e.message) for e in of_type(actions, Emit)]


def test_it_completes_the_rolling_update_in_status_once_every_pod_is_updated() -> None:
    sts = new_statefulset()
    old = revision_of(sts)
    sts["status"]["currentRevision"] = name_of(old)
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    new = revision_of(sts, 2)
    pods = [member(sts, i, new) for i in range(3)]
    result = of_type(statefulset.reconcile(state_of(sts, old, new, *pods)), Update)[-1].obj["status"]
    assert result == {"observedGeneration": 1, "replicas": 3, "readyReplicas": 3, "availableReplicas": 3,
                      "currentReplicas": 3, "updatedReplicas": 3, "currentRevision": name_of(new),
                      "updateRevision": name_of(new), "collisionCount": 0}


def test_it_adopts_an_orphan_member_and_nothing_else_in_that_sync() -> None:
    sts = new_statefulset(replicas=1)
    revision = revision_of(sts)
    orphan = member(sts, 0, revision)
    orphan["metadata"].pop("ownerReferences")
    stranger = member(sts, 0, revision)
    stranger["metadata"].update(name="other-0", ownerReferences=[])
    actions = statefulset.reconcile(state_of(sts, revision, orphan, stranger))
    assert all(isinstance(a, Update) for a in actions)
    assert [(name_of(a.obj), a.obj["metadata"]["ownerReferences"][0]["name"]) for a in of_type(actions, Update)] == [
        ("web-0", "web")]
