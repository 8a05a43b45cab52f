"""The garbage collector and the namespace controller, pure."""

from datetime import timedelta

from cluster.actions import Delete, Remove, Update, WakeAt
from cluster.controllers import events, garbage_collector, namespace
from cluster.objects import rfc3339
from tests.builders import T0, new_namespace, new_pod, new_replicaset, state_of


def test_it_does_nothing_when_every_owner_exists() -> None:
    rs = new_replicaset()
    assert garbage_collector.reconcile(state_of(rs, new_pod(owner=rs))) == []


def test_it_deletes_dependents_whose_owner_is_gone() -> None:
    gone = new_replicaset()
    actions = garbage_collector.reconcile(state_of(new_pod("web-a", owner=gone)))
    assert [(type(a), a.ref.name) for a in actions] == [(Delete, "web-a")]
    assert "ReplicaSet web is gone" in actions[0].narration


def test_it_keeps_a_dependent_with_a_remaining_owner_but_forgets_the_gone_one() -> None:
    kept, gone = new_replicaset("kept"), new_replicaset("gone")
    pod = new_pod("web-a", owner=kept)
    pod["metadata"]["ownerReferences"].append({**pod["metadata"]["ownerReferences"][0],
                                               "name": "gone", "uid": gone["metadata"]["uid"], "controller": False})
    actions = garbage_collector.reconcile(state_of(kept, pod))
    assert len(actions) == 1 and isinstance(actions[0], Update)
    assert [r["name"] for r in actions[0].obj["metadata"]["ownerReferences"]] == ["kept"]


def test_foreground_deletion_deletes_dependents_then_drops_the_finalizer() -> None:
    rs = new_replicaset()
    rs["metadata"].update(deletionTimestamp=rfc3339(T0), finalizers=["foregroundDeletion"])
    pod = new_pod("web-a", owner=rs)
    first = garbage_collector.reconcile(state_of(rs, pod))
    assert [(type(a), a.ref.name, a.propagation) for a in first] == [(Delete, "web-a", "Foreground")]
    second = garbage_collector.reconcile(state_of(rs))
    assert isinstance(second[0], Update) and second[0].obj["metadata"]["finalizers"] == []


def test_orphan_deletion_frees_dependents() -> None:
    rs = new_replicaset()
    rs["metadata"].update(deletionTimestamp=rfc3339(T0), finalizers=["orphan"])
    actions = garbage_collector.reconcile(state_of(rs, new_pod("web-a", owner=rs)))
    pod_update, rs_update = actions
    assert pod_update.obj["metadata"]["ownerReferences"] == []
    assert rs_update.obj["metadata"]["finalizers"] == []


def test_a_terminating_namespace_deletes_its_contents_then_itself() -> None:
    ns = new_namespace("dev")
    ns["metadata"]["deletionTimestamp"] = rfc3339(T0)
    pod, elsewhere = new_pod("a", namespace="dev"), new_pod("b", namespace="default")
    actions = namespace.reconcile(state_of(ns, pod, elsewhere))
    assert [a.ref.name for a in actions if isinstance(a, Delete)] == ["a"]
    done = namespace.reconcile(state_of(ns, elsewhere))
    assert done[0].obj["spec"]["finalizers"] == []


def test_an_active_namespace_is_left_alone() -> None:
    assert namespace.reconcile(state_of(new_namespace("dev"), new_pod("a", namespace="dev"))) == []


def test_events_expire_an_hour_after_they_last_happened() -> None:
    old = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "a.1", "namespace": "default", "uid": "1"},
           "lastTimestamp": rfc3339(T0 - timedelta(minutes=61))}
    recent = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "b.1", "namespace": "default", "uid": "2"},
              "lastTimestamp": rfc3339(T0 - timedelta(minutes=10))}
    actions = events.reconcile(state_of(old, recent))
    assert [a.ref.name for a in actions if isinstance(a, Remove)] == ["a.1"]
    assert WakeAt(T0 + timedelta(minutes=50)) in actions
