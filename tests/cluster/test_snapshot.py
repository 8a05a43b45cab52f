"""The live view's rules: a snapshot plus the events after it equals a later snapshot."""

import pytest

from cluster.objects import copy
from cluster.snapshot import Gap, Snapshot, WireEvent, apply_batch, apply_events, event, snapshot, view
from tests.builders import new_node, new_pod


def at(obj: dict, rv: int) -> dict:
    moved = copy(obj)
    moved["metadata"]["resourceVersion"] = str(rv)
    return moved


def shown(event_type: str, obj: dict) -> WireEvent:
    wire = event(event_type, obj)
    assert wire is not None
    return wire


def uid(obj: dict) -> str:
    return str(obj["metadata"]["uid"])


def test_it_changes_nothing_without_events() -> None:
    before = snapshot([at(new_node(), 1), at(new_pod(), 2)], 2)
    assert apply_events(before, []) == before


def test_it_keys_objects_by_uid_and_keeps_the_resource_version() -> None:
    pod = at(new_pod(), 7)
    taken = snapshot([pod], 9)
    assert taken.resource_version == 9
    assert list(taken.objects) == [uid(pod)]


def test_it_adds_modifies_and_deletes() -> None:
    pod, other = at(new_pod("a"), 1), at(new_pod("b"), 2)
    running = at(pod, 3)
    running["status"]["phase"] = "Running"
    events = [shown("ADDED", other), shown("MODIFIED", running), shown("DELETED", at(other, 4))]
    after = apply_events(snapshot([pod], 1), events)
    assert after == snapshot([running], 4)


def test_it_ignores_an_event_not_newer_than_the_object_held() -> None:
    pod = at(new_pod(), 5)
    stale = at(pod, 4)
    stale["status"]["phase"] = "Failed"
    before = snapshot([pod], 5)
    assert apply_events(before, [shown("MODIFIED", stale), shown("ADDED", pod)]).objects == before.objects


def test_it_ignores_the_deletion_of_an_object_it_never_had() -> None:
    before = snapshot([at(new_node(), 1)], 1)
    assert apply_events(before, [shown("DELETED", at(new_pod(), 2))]).objects == before.objects


def test_it_leaves_events_and_leases_out() -> None:
    emitted = {"apiVersion": "v1", "kind": "Event", "metadata": {"uid": "e", "resourceVersion": "3"}}
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"uid": "l"}}
    assert snapshot([emitted, lease], 3).objects == {}
    assert event("ADDED", emitted) is None


def test_it_drops_payloads_the_diagram_never_draws() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "data": {"big": "x" * 10_000},
              "metadata": {"uid": "c", "managedFields": [{}],
                           "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "keep": "me"}}}
    shown = view(config)
    assert shown is not None
    assert "data" not in shown and "managedFields" not in shown["metadata"]
    assert shown["metadata"]["annotations"] == {"keep": "me"}
    assert "data" in config  # the object given is not changed


def test_it_shows_kubectl_status_and_the_schedulers_reason() -> None:
    pod = new_pod()
    pod["status"] = {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
         "message": "0/3 nodes are available: 3 Insufficient cpu."}]}
    shown = view(pod)["display"]  # type: ignore[index]
    assert {key: shown[key] for key in ("status", "reason", "message")} == {
        "status": "Pending", "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}
    assert view(new_node(ready=False))["display"]["status"] == "NotReady"  # type: ignore[index]


def test_it_gives_the_diagram_readiness_and_the_amounts_of_its_bars() -> None:
    pod = new_pod(cpu="250m", memory="64Mi")

    shown = view(pod)["display"]  # type: ignore[index]
    node = view(new_node(cpu="2", memory="4Gi"))["display"]  # type: ignore[index]

    assert (shown["ready"], shown["isReady"], shown["restarts"]) == ("0/1", False, 0)
    assert shown["requests"] == {"cpu": 250, "memory": 64 * 2 ** 20}
    assert node["allocatable"] == {"cpu": 2000, "memory": 4 * 2 ** 30}


def test_it_applies_a_batch_that_continues_from_its_resource_version() -> None:
    pod = at(new_pod(), 6)
    after = apply_batch(Snapshot(5), {"type": "events", "from": 5, "to": 8, "events": [shown("ADDED", pod)]})
    assert after == snapshot([pod], 8)


def test_it_reports_a_gap_when_a_batch_does_not_continue_from_it() -> None:
    with pytest.raises(Gap):
        apply_batch(Snapshot(5), {"type": "events", "from": 6, "to": 8, "events": []})


def test_it_round_trips_the_wire_form() -> None:
    taken = snapshot([at(new_node(), 1), at(new_pod(), 2)], 2)
    assert Snapshot.from_message(taken.message()) == taken
