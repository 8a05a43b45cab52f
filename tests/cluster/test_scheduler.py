"""The scheduler as a pure function: pending pods and nodes in, binding or Unschedulable actions out."""

from datetime import timedelta
from typing import Any

import pytest

from cluster import scheduler
from cluster.actions import Action, Emit, Update
from cluster.objects import Obj, condition, copy, rfc3339
from cluster.state import ClusterState
from tests.builders import T0, new_node, new_pod, state_of

NOT_READY = {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}
GPU = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
MISMATCH = "node(s) didn't match Pod's node affinity/selector"


def updates(actions: list[Action]) -> list[Obj]:
    return [a.obj for a in actions if isinstance(a, Update)]


def events(actions: list[Action]) -> list[Emit]:
    return [a for a in actions if isinstance(a, Emit)]


def scheduled(pod: Obj) -> dict[str, Any]:
    """The pod's PodScheduled condition, which must be there."""
    found = condition(pod, "PodScheduled")
    assert found is not None
    return found


def placements(actions: list[Action]) -> dict[str, str]:
    return {p["metadata"]["name"]: p["spec"].get("nodeName", "") for p in updates(actions)}


def applied(state: ClusterState, actions: list[Action]) -> ClusterState:
    """The state after the store wrote the updates (a new resourceVersion each), as the next pass sees it."""
    for obj in updates(actions):
        written = copy(obj)
        written["metadata"]["resourceVersion"] = str(int(obj["metadata"]["resourceVersion"]) + 1000)
        state.put(written)
    return state


def unknown_node(name: str) -> Obj:
    node = new_node(name)
    node["status"]["conditions"][0].update(status="Unknown", reason="NodeStatusUnknown")
    return node


def created(pod: Obj, seconds: int) -> Obj:
    pod["metadata"]["creationTimestamp"] = rfc3339(T0 + timedelta(seconds=seconds))
    return pod


def affinity(*terms: dict[str, Any]) -> dict[str, Any]:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def expression(key: str, operator: str, *values: str) -> dict[str, Any]:
    return {"matchExpressions": [{"key": key, "operator": operator, **({"values": list(values)} if values else {})}]}


# --- nothing to do -------------------------------------------------------------------------

def test_it_does_nothing_for_a_bound_pod() -> None:
    assert scheduler.reconcile(state_of(new_node(), new_pod(node="node-1", cpu="100m"))) == []


@pytest.mark.parametrize("pod", [
    new_pod(schedulerName="my-scheduler"),
    new_pod(phase="Succeeded"),
    new_pod(schedulingGates=[{"name": "example.com/wait"}]),
], ids=["another-scheduler", "finished", "gated"])
def test_it_leaves_pods_that_are_not_waiting_for_it(pod: Obj) -> None:
    assert scheduler.reconcile(state_of(new_node(), pod)) == []


def test_it_leaves_a_terminating_pod() -> None:
    pod = new_pod()
    pod["metadata"]["deletionTimestamp"] = rfc3339(T0)
    assert scheduler.reconcile(state_of(new_node(), pod)) == []


# --- filters, one node at a time --------------------------------------------------------------

FILTER_CASES: list[tuple[str, Obj, Obj, str | None]] = [
    ("fits", new_node(), new_pod(cpu="1", memory="1Gi"), None),
    ("not-ready", new_node(ready=False), new_pod(), "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"),
    ("not-ready-already-tainted", new_node(ready=False, taints=[NOT_READY]), new_pod(),
     "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"),
    ("unreachable", unknown_node("node-1"), new_pod(),
     "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
    ("not-ready-tolerated", new_node(ready=False),
     new_pod(tolerations=[{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}]), None),
    ("unschedulable", new_node(unschedulable=True), new_pod(), "node(s) were unschedulable"),
    ("unschedulable-tolerated", new_node(unschedulable=True),
     new_pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists",
                           "effect": "NoSchedule"}]), None),
    ("unschedulable-before-taints", new_node(unschedulable=True, taints=[GPU]), new_pod(),
     "node(s) were unschedulable"),
    ("node-name", new_node(), new_pod(nodeName="node-2"), "node(s) didn't match the requested node name"),
    ("node-selector-matches", new_node(labels={"disktype": "ssd"}), new_pod(nodeSelector={"disktype": "ssd"}), None),
    ("node-selector-differs", new_node(labels={"disktype": "hdd"}), new_pod(nodeSelector={"disktype": "ssd"}),
     MISMATCH),
    ("node-selector-missing-label", new_node(), new_pod(nodeSelector={"disktype": "ssd"}),
     MISMATCH),
    ("affinity-in", new_node(labels={"zone": "b"}), new_pod(affinity=affinity(expression("zone", "In", "a", "b"))),
     None),
    ("affinity-not-in", new_node(labels={"zone": "b"}), new_pod(affinity=affinity(expression("zone", "NotIn", "b"))),
     MISMATCH),
    ("affinity-exists", new_node(labels={"gpu": ""}), new_pod(affinity=affinity(expression("gpu", "Exists"))), None),
    ("affinity-does-not-exist", new_node(labels={"gpu": ""}),
     new_pod(affinity=affinity(expression("gpu", "DoesNotExist"))), MISMATCH),
    ("affinity-gt", new_node(labels={"cores": "16"}), new_pod(affinity=affinity(expression("cores", "Gt", "8"))), None),
    ("affinity-lt", new_node(labels={"cores": "16"}), new_pod(affinity=affinity(expression("cores", "Lt", "8"))),
     MISMATCH),
    ("affinity-any-term", new_node(labels={"zone": "b"}),
     new_pod(affinity=affinity(expression("zone", "In", "a"), expression("zone", "In", "b"))), None),
    ("affinity-match-fields", new_node("node-1"),
     new_pod(affinity=affinity({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-1"]}]})),
     None),
    ("affinity-empty-term", new_node(), new_pod(affinity=affinity({})),
     MISMATCH),
    ("affinity-and-selector", new_node(labels={"zone": "a"}),
     new_pod(nodeSelector={"disktype": "ssd"}, affinity=affinity(expression("zone", "In", "a"))),
     MISMATCH),
    ("cpu", new_node(cpu="2"), new_pod(cpu="2500m"), "Insufficient cpu"),
    ("memory", new_node(memory="1Gi"), new_pod(memory="2Gi"), "Insufficient memory"),
    ("cpu-and-memory", new_node(cpu="1", memory="1Gi"), new_pod(cpu="2", memory="2Gi"),
     "Insufficient cpu, Insufficient memory"),
    ("no-requests-always-fit", new_node(cpu="100m", memory="1Mi"), new_pod(), None),
    ("taint", new_node(taints=[GPU]), new_pod(), "node(s) had untolerated taint {dedicated: gpu}"),
    ("taint-no-execute", new_node(taints=[{**GPU, "effect": "NoExecute"}]), new_pod(),
     "node(s) had untolerated taint {dedicated: gpu}"),
    ("taint-prefer-no-schedule", new_node(taints=[{**GPU, "effect": "PreferNoSchedule"}]), new_pod(), None),
    ("toleration-equal", new_node(taints=[GPU]),
     new_pod(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]), None),
    ("toleration-default-operator", new_node(taints=[GPU]), new_pod(tolerations=[{"key": "dedicated",
                                                                                   "value": "gpu"}]), None),
    ("toleration-other-value", new_node(taints=[GPU]),
     new_pod(tolerations=[{"key": "dedicated", "value": "cpu", "effect": "NoSchedule"}]),
     "node(s) had untolerated taint {dedicated: gpu}"),
    ("toleration-exists", new_node(taints=[GPU]), new_pod(tolerations=[{"key": "dedicated", "operator": "Exists"}]),
     None),
    ("toleration-exists-everything", new_node(taints=[GPU, NOT_READY]), new_pod(tolerations=[{"operator": "Exists"}]),
     None),
    ("toleration-other-effect", new_node(taints=[GPU]),
     new_pod(tolerations=[{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}]),
     "node(s) had untolerated taint {dedicated: gpu}"),
    ("toleration-seconds", new_node(taints=[{**GPU, "effect": "NoExecute"}]),
     new_pod(tolerations=[{"key": "dedicated", "operator": "Exists", "effect": "NoExecute",
                           "tolerationSeconds": 60}]), None),
    ("taints-before-resources", new_node(cpu="1", taints=[GPU]), new_pod(cpu="2"),
     "node(s) had untolerated taint {dedicated: gpu}"),
]


@pytest.mark.parametrize(("node", "pod", "reason"), [c[1:] for c in FILTER_CASES], ids=[c[0] for c in FILTER_CASES])
def test_it_explains_why_a_node_does_not_fit(node: Obj, pod: Obj, reason: str | None) -> None:
    assert scheduler.explain(pod, state_of(node, pod)) == {"node-1": reason}


def test_it_counts_pods_already_on_the_node() -> None:
    node = new_node(cpu="2", memory="2Gi", pods=3)
    running = new_pod("a", cpu="1500m", memory="1Gi", node="node-1", phase="Running")
    assert scheduler.explain(new_pod("b", cpu="1"), state_of(node, running))["node-1"] == "Insufficient cpu"
    assert scheduler.explain(new_pod("b", memory="1536Mi"), state_of(node, running))["node-1"] == "Insufficient memory"


def test_it_counts_terminating_pods_but_not_finished_ones() -> None:
    node = new_node(cpu="2")
    leaving = new_pod("leaving", cpu="2", node="node-1", phase="Running")
    leaving["metadata"]["deletionTimestamp"] = rfc3339(T0)
    done = new_pod("done", cpu="2", node="node-1", phase="Succeeded")
    pod = new_pod("b", cpu="1")
    assert scheduler.explain(pod, state_of(node, leaving))["node-1"] == "Insufficient cpu"
    assert scheduler.explain(pod, state_of(node, done))["node-1"] is None


def test_it_allows_only_as_many_pods_as_the_node_does() -> None:
    node = new_node(pods=1)
    state = state_of(node, new_pod("a", node="node-1", phase="Running"))
    assert scheduler.explain(new_pod("b"), state)["node-1"] == "Too many pods"


def test_it_leaves_a_bound_pod_out_of_its_own_node_when_explaining() -> None:
    pod = new_pod("a", cpu="2", node="node-1", phase="Running")
    assert scheduler.explain(pod, state_of(new_node(cpu="2"), new_node("node-2", cpu="2"), pod)) == {
        "node-1": None, "node-2": "node(s) didn't match the requested node name"}


def test_it_adds_up_init_containers_sidecars_and_overhead() -> None:
    pod = new_pod(cpu="500m", overhead={"cpu": "250m"}, initContainers=[
        {"name": "sidecar", "image": "envoy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m"}}},
        {"name": "migrate", "image": "db", "resources": {"requests": {"cpu": "2"}}},
    ])
    # max(500m + 500m sidecar, 2 + 500m sidecar) + 250m overhead = 2750m
    assert scheduler.explain(pod, state_of(new_node(cpu="2750m"), pod))["node-1"] is None
    assert scheduler.explain(pod, state_of(new_node(cpu="2700m"), pod))["node-1"] == "Insufficient cpu"


# --- binding ----------------------------------------------------------------------------------

def test_it_binds_a_pod_to_the_node_that_fits() -> None:
    pod = new_pod("web-abc", cpu="100m")
    state = state_of(new_node("node-1", taints=[GPU]), new_node("node-2"), pod, now=T0 + timedelta(seconds=5))
    actions = scheduler.reconcile(state)
    [bound] = updates(actions)
    assert bound["spec"]["nodeName"] == "node-2"
    assert bound["metadata"]["resourceVersion"] == pod["metadata"]["resourceVersion"]
    assert condition(bound, "PodScheduled") == {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                                                "lastTransitionTime": "2026-01-01T00:00:05Z"}
    [event] = events(actions)
    assert (event.reason, event.message, event.component, event.type) == (
        "Scheduled", "Successfully assigned default/web-abc to node-2", "default-scheduler", "Normal")
    assert "nodeName" not in pod["spec"] and "conditions" not in pod["status"]


def test_it_does_nothing_on_a_second_run_after_binding() -> None:
    state = state_of(new_node(), new_pod("a"), new_pod("b"))
    assert scheduler.reconcile(applied(state, scheduler.reconcile(state))) == []


def test_it_spreads_equal_pods_over_equal_nodes() -> None:
    pods = [new_pod(f"web-{i}", cpu="100m") for i in range(6)]
    state = state_of(new_node("node-1"), new_node("node-2"), new_node("node-3"), *pods)
    assert placements(scheduler.reconcile(state)) == {"web-0": "node-1", "web-1": "node-2", "web-2": "node-3",
                                                      "web-3": "node-1", "web-4": "node-2", "web-5": "node-3"}


def test_it_spreads_pods_without_requests_too() -> None:
    pods = [new_pod(f"web-{i}") for i in range(3)]
    state = state_of(new_node("node-1"), new_node("node-2"), new_node("node-3"), *pods)
    assert sorted(placements(scheduler.reconcile(state)).values()) == ["node-1", "node-2", "node-3"]


def test_it_prefers_the_least_allocated_node() -> None:
    busy = new_pod("busy", cpu="2", memory="4Gi", node="node-1", phase="Running")
    state = state_of(new_node("node-1"), new_node("node-2", cpu="2", memory="4Gi"), busy, new_pod("web", cpu="100m"))
    assert placements(scheduler.reconcile(state)) == {"web": "node-2"}
    bigger = state_of(new_node("node-1"), new_node("node-2", cpu="8", memory="16Gi"), new_pod("web", cpu="100m"))
    assert placements(scheduler.reconcile(bigger)) == {"web": "node-2"}


def test_it_counts_pods_bound_earlier_in_the_same_pass() -> None:
    pods = [created(new_pod(f"web-{i}", cpu="1500m"), i) for i in range(3)]
    actions = scheduler.reconcile(state_of(new_node(cpu="4"), *pods))
    assert placements(actions) == {"web-0": "node-1", "web-1": "node-1", "web-2": ""}
    assert scheduled(updates(actions)[2])["message"].startswith(
        "0/1 nodes are available: 1 Insufficient cpu.")


def test_it_schedules_higher_priority_then_older_pods_first() -> None:
    old, new, urgent = created(new_pod("old", cpu="3"), 1), created(new_pod("new", cpu="3"), 2), created(
        new_pod("urgent", cpu="3", priority=1000), 3)
    assert placements(scheduler.reconcile(state_of(new_node(cpu="4"), new, old)))["old"] == "node-1"
    assert placements(scheduler.reconcile(state_of(new_node(cpu="4"), new, old, urgent)))["urgent"] == "node-1"


# --- no node fits -----------------------------------------------------------------------------

def test_it_says_why_no_node_is_available() -> None:
    busy = new_pod("busy", cpu="3500m", node="node-1", phase="Running")
    pod = new_pod("web", cpu="1")
    state = state_of(new_node("node-1"), new_node("node-2", taints=[GPU]), new_node("node-3", ready=False), busy, pod)
    actions = scheduler.reconcile(state)
    message = ("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s). "
               "no new claims to deallocate, preemption: 0/3 nodes are available: "
               "1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.")
    [failed] = updates(actions)
    assert "nodeName" not in failed["spec"]
    assert condition(failed, "PodScheduled") == {
        "type": "PodScheduled", "status": "False", "lastProbeTime": None, "lastTransitionTime": rfc3339(T0),
        "reason": "Unschedulable", "message": message}
    [event] = events(actions)
    assert (event.reason, event.message, event.component, event.type) == (
        "FailedScheduling", message, "default-scheduler", "Warning")


def test_it_says_preemption_cannot_help_a_pod_bigger_than_any_node() -> None:
    actions = scheduler.reconcile(state_of(new_node("node-1"), new_node("node-2"), new_pod(cpu="5", memory="9Gi")))
    assert events(actions)[0].message == (
        "0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. no new claims to deallocate, "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")


def test_it_says_a_pod_that_never_preempts_is_not_eligible() -> None:
    actions = scheduler.reconcile(state_of(new_node(cpu="1"), new_pod("busy", cpu="1", node="node-1", phase="Running"),
                                           new_pod("web", cpu="1", preemptionPolicy="Never")))
    assert events(actions)[0].message == ("0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, "
                                          "preemption: not eligible due to preemptionPolicy=Never.")


def test_it_says_when_there_are_no_nodes() -> None:
    [failed] = updates(scheduler.reconcile(state_of(new_pod())))
    assert scheduled(failed)["message"] == "no nodes available to schedule pods"


def test_it_sorts_reasons_as_text() -> None:
    nodes = [new_node(f"node-{i:02}", taints=[GPU]) for i in range(10)] + [new_node("node-99", cpu="1")]
    message = events(scheduler.reconcile(state_of(*nodes, new_pod(cpu="2"))))[0].message
    assert message.startswith("0/11 nodes are available: 1 Insufficient cpu, 10 node(s) had untolerated taint(s).")


def test_it_does_nothing_when_the_pod_already_says_why() -> None:
    state = state_of(new_node(taints=[GPU]), new_pod())
    later = applied(state, scheduler.reconcile(state))
    later.now = T0 + timedelta(minutes=5)
    assert scheduler.reconcile(later) == []


def test_it_updates_the_reason_when_it_changes() -> None:
    state = state_of(new_node(taints=[GPU]), new_pod())
    state = applied(state, scheduler.reconcile(state))
    state.put(new_node(cpu="1", labels={"tainted": "no"}))  # the taint is gone; now the cpu is short
    pod = state.get("Pod", "default", "web")
    assert pod is not None
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "2"}}
    [failed] = updates(actions := scheduler.reconcile(state))
    assert scheduled(failed)["lastTransitionTime"] == rfc3339(T0)
    assert events(actions)[0].message.startswith("0/1 nodes are available: 1 Insufficient cpu.")


def test_it_binds_a_pod_once_a_node_frees_up() -> None:
    state = state_of(new_node(cpu="1"), new_pod("busy", cpu="1", node="node-1", phase="Running"), new_pod(cpu="1"))
    state = applied(state, scheduler.reconcile(state))
    busy = state.get("Pod", "default", "busy")
    assert busy is not None
    busy["status"]["phase"] = "Succeeded"
    [bound] = updates(scheduler.reconcile(state))
    assert bound["spec"]["nodeName"] == "node-1"
    assert scheduled(bound)["status"] == "True"
