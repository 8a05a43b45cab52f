"""Traffic: load on a Service spread over its ready pods, per-pod rates, sampled access logs."""

from datetime import timedelta

from cluster import traffic
from cluster.actions import Action, AppendLog, Update, WakeAt
from cluster.controllers import traffic as controller
from cluster.objects import annotations_of, name_of
from tests.builders import T0, state_of
from tests.cluster.traffic_builders import new_endpoints, new_service, running_pod


def updates(actions: list[Action]) -> dict[str, dict[str, str]]:
    return {name_of(a.obj): annotations_of(a.obj) for a in actions if isinstance(a, Update)}


def test_it_does_nothing_without_load() -> None:
    state = state_of(new_service(), running_pod("web-a"), running_pod("web-b"))

    assert controller.reconcile(state) == []


def test_it_splits_the_load_evenly_over_ready_pods_only() -> None:
    state = state_of(new_service(rps=50), running_pod("web-a"), running_pod("web-b"),
                     running_pod("web-c", ready=False))

    changed = updates(controller.reconcile(state))

    assert changed["web-a"][traffic.RPS_ANNOTATION] == "25"
    assert changed["web-b"][traffic.RPS_ANNOTATION] == "25"
    assert "web-c" not in changed


def test_it_writes_a_rate_only_when_it_changes() -> None:
    pods = [running_pod("web-a", rps="16.7"), running_pod("web-b", rps="16.7"), running_pod("web-c", rps="16.7")]
    state = state_of(new_service(rps=50), *pods)

    assert [a for a in controller.reconcile(state) if not isinstance(a, WakeAt)] == []


def test_it_takes_the_rate_away_when_the_load_stops() -> None:
    state = state_of(new_service(), running_pod("web-a", rps="25"))

    changed = updates(controller.reconcile(state))

    assert traffic.RPS_ANNOTATION not in changed["web-a"]


def test_it_follows_the_endpoints_object_when_there_is_one() -> None:
    a, b = running_pod("web-a"), running_pod("web-b")
    state = state_of(new_service(rps=30), a, b, new_endpoints("web", [a]))

    changed = updates(controller.reconcile(state))

    assert changed == {"web-a": {traffic.RPS_ANNOTATION: "30"}}


def test_it_logs_a_sample_of_each_window_and_moves_the_window_on() -> None:
    state = state_of(new_service(rps=50), running_pod("web-a", rps="25"), running_pod("web-b", rps="25"),
                     now=T0 + timedelta(seconds=5))

    actions = controller.reconcile(state)

    logs = [a for a in actions if isinstance(a, AppendLog)]
    assert sorted(name_of(a.pod) for a in logs) == ["web-a", "web-b"]
    assert all(len(a.lines) == traffic.SAMPLE_LINES and a.container == "app" for a in logs)
    assert '"GET / HTTP/1.1" 200' in logs[0].lines[0][1]
    assert updates(actions)["web"][traffic.WINDOW_ANNOTATION] == "2026-01-01T00:00:05Z"
    assert WakeAt(T0 + timedelta(seconds=10)) in actions


def test_it_waits_for_the_window_to_end() -> None:
    state = state_of(new_service(rps=50), running_pod("web-a", rps="50"), now=T0 + timedelta(seconds=2))

    assert controller.reconcile(state) == [WakeAt(T0 + timedelta(seconds=5))]


def test_it_counts_every_request_of_a_window_once() -> None:
    counts = traffic.split(101, ["a", "b", "c"], "seed")

    assert sum(counts.values()) == 101
    assert sorted(counts.values()) == [33, 34, 34]
    assert counts == traffic.split(101, ["a", "b", "c"], "seed")
