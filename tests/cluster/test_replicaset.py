"""The ReplicaSet controller, pure: builders in, actions out."""

from datetime import timedelta

from cluster.actions import Create, Delete, Emit, Update, WakeAt
from cluster.controllers import replicaset
from cluster.objects import owner_reference, rfc3339
from tests.builders import T0, new_pod, new_replicaset, state_of


def running(pod: dict, since=T0) -> dict:
    pod["status"] = {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(since)}]}
    return pod


def synced(rs: dict, pods: list[dict]) -> dict:
    rs["status"] = replicaset.calculate_status(rs, pods, T0)
    return rs


def test_it_does_nothing_when_replicas_match() -> None:
    rs = new_replicaset(replicas=2)
    pods = [running(new_pod(f"web-{i}", labels={"app": "web"}, owner=rs, node="node-1")) for i in range(2)]
    assert replicaset.reconcile(state_of(synced(rs, pods), *pods)) == []


def test_it_creates_missing_pods_from_the_template() -> None:
    rs = new_replicaset(replicas=3, cpu="100m")
    actions = replicaset.reconcile(state_of(rs))
    creates = [a for a in actions if isinstance(a, Create)]
    assert len(creates) == 3
    pod = creates[0].obj
    assert pod["metadata"]["name"].startswith("web-") and len(pod["metadata"]["name"]) == len("web-") + 5
    assert pod["metadata"]["labels"] == {"app": "web"}
    assert pod["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
    assert pod["metadata"]["ownerReferences"][0]["controller"] is True
    assert pod["spec"]["containers"][0]["resources"] == {"requests": {"cpu": "100m"}}
    events = [a for a in actions if isinstance(a, Emit)]
    assert [e.reason for e in events] == ["SuccessfulCreate"] * 3
    assert events[0].message == f"Created pod: {pod['metadata']['name']}"


def test_it_gives_each_new_pod_a_distinct_name() -> None:
    creates = [a for a in replicaset.reconcile(state_of(new_replicaset(replicas=20))) if isinstance(a, Create)]
    names = [c.obj["metadata"]["name"] for c in creates]
    assert len(names) == len(set(names)) == 20


def test_it_deletes_surplus_pods_not_ready_and_unscheduled_first() -> None:
    rs = new_replicaset(replicas=1)
    ready = running(new_pod("web-ready", labels={"app": "web"}, owner=rs, node="node-1"))
    pending = new_pod("web-pending", labels={"app": "web"}, owner=rs)
    actions = replicaset.reconcile(state_of(rs, ready, pending))
    deletes = [a for a in actions if isinstance(a, Delete)]
    assert [d.ref.name for d in deletes] == ["web-pending"]
    assert any(isinstance(a, Emit) and a.reason == "SuccessfulDelete" for a in actions)


def test_it_adopts_a_matching_orphan_instead_of_creating() -> None:
    rs = new_replicaset(replicas=1)
    orphan = running(new_pod("stray", labels={"app": "web"}, node="node-1"))
    actions = replicaset.reconcile(state_of(rs, orphan))
    assert not [a for a in actions if isinstance(a, Create)]
    adopted = [a.obj for a in actions if isinstance(a, Update) and a.obj["kind"] == "Pod"]
    assert adopted[0]["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]


def test_it_leaves_pods_owned_by_another_controller_alone() -> None:
    rs, other = new_replicaset(replicas=1), new_replicaset("other", replicas=1, labels={"app": "web"})
    theirs = running(new_pod("theirs", labels={"app": "web"}, owner=other, node="node-1"))
    creates = [a for a in replicaset.reconcile(state_of(rs, theirs)) if isinstance(a, Create)
               and a.obj["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]]
    assert len(creates) == 1


def test_it_releases_a_pod_whose_labels_no_longer_match_and_replaces_it() -> None:
    rs = new_replicaset(replicas=1)
    relabelled = running(new_pod("web-a", labels={"app": "debug"}, owner=rs, node="node-1"))
    actions = replicaset.reconcile(state_of(rs, relabelled))
    released = [a.obj for a in actions if isinstance(a, Update) and a.obj["kind"] == "Pod"]
    assert released[0]["metadata"]["ownerReferences"] == []
    assert len([a for a in actions if isinstance(a, Create)]) == 1


def test_it_does_not_count_terminating_or_finished_pods() -> None:
    rs = new_replicaset(replicas=1)
    leaving = running(new_pod("web-a", labels={"app": "web"}, owner=rs, node="node-1"))
    leaving["metadata"]["deletionTimestamp"] = rfc3339(T0)
    done = new_pod("web-b", labels={"app": "web"}, owner=rs, node="node-1", phase="Succeeded")
    assert len([a for a in replicaset.reconcile(state_of(rs, leaving, done)) if isinstance(a, Create)]) == 1


def test_it_computes_status_from_its_pods() -> None:
    rs = new_replicaset(replicas=3)
    rs["spec"]["minReadySeconds"] = 10
    pods = [running(new_pod("a", labels={"app": "web"}, owner=rs, node="n"), since=T0 - timedelta(seconds=30)),
            running(new_pod("b", labels={"app": "web"}, owner=rs, node="n"), since=T0 - timedelta(seconds=5)),
            new_pod("c", labels={"app": "web"}, owner=rs)]
    status = replicaset.calculate_status(rs, pods, T0)
    assert status == {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 2, "availableReplicas": 1,
                      "observedGeneration": 1}


def test_it_asks_to_wake_when_a_ready_pod_becomes_available() -> None:
    rs = new_replicaset(replicas=1)
    rs["spec"]["minReadySeconds"] = 10
    pod = running(new_pod("a", labels={"app": "web"}, owner=rs, node="n"), since=T0 - timedelta(seconds=4))
    wakes = [a for a in replicaset.reconcile(state_of(synced(rs, [pod]), pod)) if isinstance(a, WakeAt)]
    assert wakes == [WakeAt(T0 + timedelta(seconds=6))]


def test_it_writes_status_only_when_it_changed() -> None:
    rs = new_replicaset(replicas=1)
    pod = running(new_pod("a", labels={"app": "web"}, owner=rs, node="n"))
    first = [a for a in replicaset.reconcile(state_of(rs, pod)) if isinstance(a, Update)]
    assert first[0].obj["status"]["readyReplicas"] == 1
    assert replicaset.reconcile(state_of(first[0].obj, pod)) == []


def test_it_does_nothing_for_a_replicaset_being_deleted() -> None:
    rs = new_replicaset(replicas=2)
    rs["metadata"]["deletionTimestamp"] = rfc3339(T0)
    assert replicaset.reconcile(state_of(rs)) == []


def test_owner_reference_matches_kubernetes_shape() -> None:
    rs = new_replicaset()
    assert owner_reference(rs) == {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web",
                                   "uid": rs["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}
