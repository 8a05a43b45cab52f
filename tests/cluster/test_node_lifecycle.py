"""The node lifecycle controller, pure: silence -> Unknown conditions, taints from conditions, countdowns."""

from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action, Emit, Update, WakeAt
from cluster.controllers import node_lifecycle
from cluster.objects import Obj, condition, name_of, rfc3339
from cluster.state import ClusterState
from tests.builders import T0, new_node, new_pod, stamp, state_of

UNREACHABLE = "node.kubernetes.io/unreachable"


def crashed(node: Obj) -> Obj:
    node["metadata"]["annotations"] = {"kubelab.io/state": "crashed"}
    return node


def lease(node: str = "node-1", renewed: datetime = T0) -> Obj:
    return stamp({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                  "metadata": {"name": node, "namespace": "kube-node-lease"},
                  "spec": {"holderIdentity": node, "leaseDurationSeconds": 40,
                           "renewTime": renewed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}})


def ready_pod(name: str = "web-1", node: str = "node-1", **spec: Any) -> Obj:
    pod = new_pod(name, node=node, phase="Running", **spec)
    pod["status"]["conditions"] = [{"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(T0)}]
    return pod


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def changes(actions: list[Action]) -> list[Action]:
    return [a for a in actions if not isinstance(a, WakeAt)]


def updated(actions: list[Action], kind: str, name: str) -> Obj:
    return next(a.obj for a in actions if isinstance(a, Update) and a.obj["kind"] == kind and name_of(a.obj) == name)


def settle(state: ClusterState) -> list[Action]:
    """Run the controller, keep its updates in the state, and return what a second run asks for."""
    for action in node_lifecycle.reconcile(state):
        if isinstance(action, Update):
            state.put(action.obj)
    return node_lifecycle.reconcile(state)


def taints(node: Obj) -> list[tuple[str, str, str | None]]:
    return [(t["key"], t["effect"], t.get("timeAdded")) for t in node["spec"].get("taints", [])]


def test_it_does_nothing_while_the_kubelet_runs_even_when_the_clock_jumps() -> None:
    state = state_of(new_node(), lease(renewed=T0), ready_pod(), now=at(600))

    assert node_lifecycle.reconcile(state) == []


def test_it_waits_out_the_grace_period_of_a_silent_node() -> None:
    state = state_of(crashed(new_node()), lease(renewed=T0), now=at(39))

    assert node_lifecycle.reconcile(state) == [WakeAt(at(40))]


def test_it_marks_every_kubelet_condition_unknown_after_40_silent_seconds() -> None:
    node = crashed(new_node())
    state = state_of(node, lease(renewed=T0), now=at(40))

    new = updated(node_lifecycle.reconcile(state), "Node", "node-1")

    conditions = {c["type"]: c for c in new["status"]["conditions"]}
    assert sorted(conditions) == ["DiskPressure", "MemoryPressure", "PIDPressure", "Ready"]
    ready = conditions["Ready"]
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    assert ready["lastTransitionTime"] == rfc3339(at(40))
    assert ready["lastHeartbeatTime"] == rfc3339(T0)
    assert conditions["MemoryPressure"]["reason"] == "NodeStatusNeverUpdated"  # the builder's node never had it


def test_it_taints_an_unreachable_node_noexecute_and_noschedule() -> None:
    state = state_of(crashed(new_node()), lease(renewed=T0), now=at(40))

    new = updated(node_lifecycle.reconcile(state), "Node", "node-1")

    assert taints(new) == [(UNREACHABLE, "NoExecute", rfc3339(at(40))), (UNREACHABLE, "NoSchedule", rfc3339(at(40)))]


def test_it_tells_the_node_and_its_pods_that_the_node_is_not_ready() -> None:
    state = state_of(crashed(new_node()), lease(renewed=T0), ready_pod("web-1"), ready_pod("db-1", node="node-2"),
                     now=at(40))

    actions = node_lifecycle.reconcile(state)

    events = [(a.involved["kind"], name_of(a.involved), a.type, a.reason, a.message, a.component)
              for a in actions if isinstance(a, Emit)]
    assert events == [("Node", "node-1", "Normal", "NodeNotReady", "Node node-1 status is now: NodeNotReady",
                       "node-controller"),
                      ("Pod", "web-1", "Warning", "NodeNotReady", "Node is not ready", "node-controller")]
    assert (condition(updated(actions, "Pod", "web-1"), "Ready") or {})["status"] == "False"


def test_it_asks_for_nothing_more_once_the_node_is_marked() -> None:
    state = state_of(crashed(new_node()), lease(renewed=T0), ready_pod(), now=at(40))

    assert changes(settle(state)) == []


def test_it_dates_what_a_clock_jump_skipped_over_from_when_the_grace_period_ran_out() -> None:
    state = state_of(crashed(new_node()), lease(renewed=T0), now=at(500))

    new = updated(node_lifecycle.reconcile(state), "Node", "node-1")

    assert (condition(new, "Ready") or {})["lastTransitionTime"] == rfc3339(at(40))
    assert {t[2] for t in taints(new)} == {rfc3339(at(40))}


def test_it_taints_a_node_whose_kubelet_reports_not_ready_as_not_ready() -> None:
    state = state_of(new_node(ready=False), now=at(5))

    new = updated(node_lifecycle.reconcile(state), "Node", "node-1")

    assert [t[:2] for t in taints(new)] == [("node.kubernetes.io/not-ready", "NoExecute"),
                                            ("node.kubernetes.io/not-ready", "NoSchedule")]


def test_it_removes_its_taints_when_the_node_is_ready_again_and_keeps_the_learners() -> None:
    own = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
    node = new_node(taints=[{"key": UNREACHABLE, "effect": "NoExecute", "timeAdded": rfc3339(T0)},
                            own, {"key": UNREACHABLE, "effect": "NoSchedule", "timeAdded": rfc3339(T0)}])

    new = updated(node_lifecycle.reconcile(state_of(node, now=at(5))), "Node", "node-1")

    assert new["spec"]["taints"] == [own]


def test_it_taints_a_cordoned_node_unschedulable_and_untaints_it_when_uncordoned() -> None:
    cordoned = updated(node_lifecycle.reconcile(state_of(new_node(unschedulable=True), now=at(5))), "Node", "node-1")
    cordoned["spec"].pop("unschedulable")
    uncordoned = updated(node_lifecycle.reconcile(state_of(cordoned, now=at(6))), "Node", "node-1")

    assert taints(cordoned) == [("node.kubernetes.io/unschedulable", "NoSchedule", rfc3339(at(5)))]
    assert "taints" not in uncordoned["spec"]


def test_it_marks_a_stopped_node_that_never_registered_after_the_startup_grace_period() -> None:
    node = crashed(stamp({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-4"}, "spec": {}}))

    early = node_lifecycle.reconcile(state_of(node, now=at(59)))
    new = updated(node_lifecycle.reconcile(state_of(node, now=at(60))), "Node", "node-4")

    assert early == [WakeAt(at(60))]
    ready = condition(new, "Ready") or {}
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status.")


def test_it_counts_down_to_not_ready_and_to_each_eviction() -> None:
    daemon = ready_pod("agent-1", tolerations=[{"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute"}])
    short = ready_pod("web-2", tolerations=[{"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute",
                                             "tolerationSeconds": 30}])
    default = ready_pod("web-1", tolerations=[{"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute",
                                               "tolerationSeconds": 300}])
    state = state_of(crashed(new_node()), lease(renewed=T0), daemon, short, default, now=at(10))

    timers = node_lifecycle.countdown(state, "node-1")

    assert timers.not_ready_at == at(40)
    assert timers.evictions == {"default/web-1": at(340), "default/web-2": at(70)}


def test_it_counts_down_nothing_on_a_healthy_node() -> None:
    timers = node_lifecycle.countdown(state_of(new_node(), lease(), ready_pod(), now=at(10)), "node-1")

    assert (timers.not_ready_at, timers.evictions) == (None, {})
