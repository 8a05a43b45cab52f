"""The store: the one write path. Database tests through its public functions."""

import threading

import pytest
from django.db import connection

from cluster import errors, kinds, reconcile, selectors, store
from cluster.models import KubeObject, Sandbox, WatchEvent

POD = kinds.by_kind("", "Pod")
RS = kinds.by_kind("apps", "ReplicaSet")
NS = kinds.by_kind("", "Namespace")


def pod_manifest(name: str = "web", **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}


def rs_manifest(name: str = "web", replicas: int = 2) -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}


def test_it_stamps_a_created_object_and_logs_it(sandbox: Sandbox) -> None:
    before = Sandbox.objects.get(pk=sandbox.pk).resource_version
    pod = store.create(sandbox, pod_manifest(), namespace="default")
    meta = pod["metadata"]
    assert meta["resourceVersion"] == str(before + 1)
    assert meta["generation"] == 1 and len(meta["uid"]) == 36 and meta["creationTimestamp"].endswith("Z")
    assert pod["spec"]["restartPolicy"] == "Always" and pod["status"]["phase"] == "Pending"
    event = WatchEvent.objects.get(sandbox=sandbox, resource_version=before + 1)
    assert (event.type, event.name, event.object) == ("ADDED", "web", pod)


def test_it_names_objects_from_generate_name(sandbox: Sandbox) -> None:
    manifest = pod_manifest()
    manifest["metadata"] = {"generateName": "web-"}
    pod = store.create(sandbox, manifest, namespace="default")
    assert pod["metadata"]["name"].startswith("web-") and len(pod["metadata"]["name"]) == 9


def test_it_refuses_a_second_object_of_the_same_name(sandbox: Sandbox) -> None:
    store.create(sandbox, pod_manifest(), namespace="default")
    with pytest.raises(errors.StatusError) as caught:
        store.create(sandbox, pod_manifest(), namespace="default")
    assert (caught.value.code, caught.value.reason, caught.value.message) == (
        409, "AlreadyExists", 'pods "web" already exists')


def test_it_refuses_a_missing_namespace(sandbox: Sandbox) -> None:
    with pytest.raises(errors.StatusError) as caught:
        store.create(sandbox, pod_manifest(), namespace="nope")
    assert caught.value.message == 'namespaces "nope" not found'
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="Pod").exists()


def test_it_explains_invalid_objects_field_by_field(sandbox: Sandbox) -> None:
    manifest = pod_manifest("Bad_Name")
    manifest["metadata"]["labels"] = {"app": "no spaces allowed"}
    with pytest.raises(errors.StatusError) as caught:
        store.create(sandbox, manifest, namespace="default")
    fields = [c["field"] for c in caught.value.details["causes"]]
    assert caught.value.code == 422 and fields == ["metadata.name", "metadata.labels[app]"]


def test_it_bumps_generation_on_spec_changes_only(sandbox: Sandbox) -> None:
    rs = store.create(sandbox, rs_manifest(), namespace="default")
    rs["metadata"]["labels"] = {"team": "a"}
    relabelled = store.update(sandbox, RS, "default", "web", rs)
    assert relabelled["metadata"]["generation"] == 1
    relabelled["spec"]["replicas"] = 5
    scaled = store.update(sandbox, RS, "default", "web", relabelled)
    assert scaled["metadata"]["generation"] == 2
    assert int(scaled["metadata"]["resourceVersion"]) > int(relabelled["metadata"]["resourceVersion"])


def test_a_stale_writer_gets_a_conflict_and_nothing_is_lost(sandbox: Sandbox) -> None:
    rs = store.create(sandbox, rs_manifest(), namespace="default")
    first, second = dict(rs, spec={**rs["spec"], "replicas": 3}), dict(rs, spec={**rs["spec"], "replicas": 4})
    store.update(sandbox, RS, "default", "web", first)
    with pytest.raises(errors.StatusError) as caught:
        store.update(sandbox, RS, "default", "web", second)
    assert caught.value.reason == "Conflict" and "the object has been modified" in caught.value.message
    assert store.get(sandbox, RS, "default", "web")["spec"]["replicas"] == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_from_one_version_one_wins() -> None:
    from cluster import sandboxes

    sandbox = sandboxes.create("race", nodes=0, profile="fast", speed=0)
    store.create(sandbox, rs_manifest(), namespace="default")
    rs = store.get(sandbox, RS, "default", "web")  # after the reconcile that committing the create set off
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def write(replicas: int) -> None:
        barrier.wait()
        try:
            store.update(sandbox, RS, "default", "web", dict(rs, spec={**rs["spec"], "replicas": replicas}))
            outcomes.append(f"won:{replicas}")
        except errors.StatusError as error:
            outcomes.append(error.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in (7, 8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = [o for o in outcomes if o.startswith("won")]
    assert sorted(o if o == "Conflict" else "won" for o in outcomes) == ["Conflict", "won"]
    assert store.get(sandbox, RS, "default", "web")["spec"]["replicas"] == int(winner[0].split(":")[1])


def test_the_status_subresource_changes_only_status(sandbox: Sandbox) -> None:
    rs = store.create(sandbox, rs_manifest(), namespace="default")
    changed = dict(rs, spec={**rs["spec"], "replicas": 9}, status={"replicas": 1})
    updated = store.update(sandbox, RS, "default", "web", changed, subresource="status")
    assert updated["spec"]["replicas"] == 2 and updated["status"] == {"replicas": 1}
    back = dict(updated, status={"replicas": 5})
    assert store.update(sandbox, RS, "default", "web", back)["status"] == {"replicas": 1}


def test_a_dry_run_changes_nothing(sandbox: Sandbox) -> None:
    before = Sandbox.objects.get(pk=sandbox.pk).resource_version
    pod = store.create(sandbox, pod_manifest(), namespace="default", dry_run=True)
    assert pod["metadata"]["name"] == "web"
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="Pod").exists()
    assert Sandbox.objects.get(pk=sandbox.pk).resource_version == before


def test_it_lists_by_label_and_field_selectors(sandbox: Sandbox) -> None:
    store.create(sandbox, pod_manifest("a", app="web"), namespace="default")
    store.create(sandbox, pod_manifest("b", app="db"), namespace="default")
    items, rv = store.list_objects(sandbox, POD, "default", selectors.parse_label_selector("app in (web,api)"))
    assert [p["metadata"]["name"] for p in items] == ["a"]
    assert rv == Sandbox.objects.get(pk=sandbox.pk).resource_version
    fields = selectors.parse_field_selector("metadata.name!=a,status.phase=Pending", POD.fields)
    items = store.list_objects(sandbox, POD, "default", field_selector=fields)[0]
    assert [p["metadata"]["name"] for p in items] == ["b"]


def test_a_bound_pod_terminates_gracefully_an_unbound_one_goes_at_once(sandbox: Sandbox) -> None:
    bound = pod_manifest("bound")
    bound["spec"]["nodeName"] = "node-1"
    store.create(sandbox, bound, namespace="default")
    store.create(sandbox, pod_manifest("loose"), namespace="default")
    leaving = store.delete(sandbox, POD, "default", "bound")
    assert leaving["metadata"]["deletionGracePeriodSeconds"] == 30 and leaving["metadata"]["deletionTimestamp"]
    store.delete(sandbox, POD, "default", "loose")
    assert WatchEvent.objects.filter(sandbox=sandbox, name="loose", type="DELETED").exists()
    with pytest.raises(errors.StatusError):
        store.get(sandbox, POD, "default", "loose")
    store.delete(sandbox, POD, "default", "bound", grace_seconds=0)
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="Pod").exists()


def test_patch_reads_changes_and_writes(sandbox: Sandbox) -> None:
    store.create(sandbox, rs_manifest(), namespace="default")
    patched = store.patch(sandbox, RS, "default", "web", lambda rs: {**rs, "spec": {**rs["spec"], "replicas": 4}})
    assert patched["spec"]["replicas"] == 4


def test_deleting_an_owner_in_the_background_collects_its_pods(sandbox: Sandbox) -> None:
    store.create(sandbox, rs_manifest(replicas=3), namespace="default")
    reconcile.run(sandbox.pk)
    assert KubeObject.objects.filter(sandbox=sandbox, kind="Pod").count() == 3
    store.delete(sandbox, RS, "default", "web")
    reconcile.run(sandbox.pk)
    assert not KubeObject.objects.filter(sandbox=sandbox, kind__in=["Pod", "ReplicaSet"]).exists()


def test_foreground_deletion_keeps_the_owner_until_its_pods_are_gone(sandbox: Sandbox) -> None:
    store.create(sandbox, rs_manifest(replicas=2), namespace="default")
    reconcile.run(sandbox.pk)
    owner = store.delete(sandbox, RS, "default", "web", propagation="Foreground")
    assert owner["metadata"]["finalizers"] == ["foregroundDeletion"]
    reconcile.run(sandbox.pk)
    assert not KubeObject.objects.filter(sandbox=sandbox, kind__in=["Pod", "ReplicaSet"]).exists()


def test_orphan_deletion_leaves_the_pods_unowned(sandbox: Sandbox) -> None:
    store.create(sandbox, rs_manifest(replicas=2), namespace="default")
    reconcile.run(sandbox.pk)
    store.delete(sandbox, RS, "default", "web", propagation="Orphan")
    reconcile.run(sandbox.pk)
    pods = KubeObject.objects.filter(sandbox=sandbox, kind="Pod")
    assert pods.count() == 2 and all(not p.body["metadata"].get("ownerReferences") for p in pods)
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="ReplicaSet").exists()


def test_deleting_a_namespace_empties_it_then_removes_it(sandbox: Sandbox) -> None:
    store.create(sandbox, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    store.create(sandbox, rs_manifest(), namespace="dev")
    reconcile.run(sandbox.pk)
    ns = store.delete(sandbox, NS, "", "dev")
    assert ns["status"]["phase"] == "Terminating"
    with pytest.raises(errors.StatusError) as caught:
        store.create(sandbox, pod_manifest(), namespace="dev")
    assert caught.value.code == 403
    reconcile.run(sandbox.pk)
    assert not KubeObject.objects.filter(sandbox=sandbox, namespace="dev").exists()
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="Namespace", name="dev").exists()


def test_a_replicaset_recreates_a_deleted_pod(sandbox: Sandbox) -> None:
    store.create(sandbox, rs_manifest(replicas=2), namespace="default")
    reconcile.run(sandbox.pk)
    victim = KubeObject.objects.filter(sandbox=sandbox, kind="Pod").first()
    assert victim is not None
    store.delete(sandbox, POD, "default", victim.name, grace_seconds=0)
    reconcile.run(sandbox.pk)
    names = set(KubeObject.objects.filter(sandbox=sandbox, kind="Pod").values_list("name", flat=True))
    assert len(names) == 2 and victim.name not in names
    rs = store.get(sandbox, RS, "default", "web")
    assert rs["status"]["replicas"] == 2 and rs["status"]["observedGeneration"] == 1


def test_events_repeat_as_a_count(sandbox: Sandbox) -> None:
    from cluster.actions import Emit

    pod = store.create(sandbox, pod_manifest(), namespace="default")
    state = store.load_state(sandbox)
    store.apply(sandbox, [Emit(pod, "BackOff", "Back-off restarting failed container", "kubelet", "Warning")], state)
    store.apply(sandbox, [Emit(pod, "BackOff", "Back-off restarting failed container", "kubelet", "Warning")], state)
    events = KubeObject.objects.filter(sandbox=sandbox, kind="Event", namespace="default")
    assert events.count() == 1
    event = events.get().body
    assert event["count"] == 2 and event["involvedObject"]["uid"] == pod["metadata"]["uid"]
    assert event["source"] == {"component": "kubelet"} and event["type"] == "Warning"


def test_a_pods_spec_is_fixed_but_for_its_images(sandbox: Sandbox) -> None:
    pod = store.create(sandbox, pod_manifest(), namespace="default")
    pod["spec"]["containers"][0]["image"] = "nginx:1.26"
    assert store.update(sandbox, POD, "default", "web", pod)["spec"]["containers"][0]["image"] == "nginx:1.26"
    pod = store.get(sandbox, POD, "default", "web")
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "2"}}
    with pytest.raises(errors.StatusError) as caught:
        store.update(sandbox, POD, "default", "web", pod)
    assert caught.value.code == 422
    assert caught.value.details["causes"][0]["message"].startswith(
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`")
