"""Node operations through the store, the reconcile loop and the sandbox clock: failure, cordon, drain, add, remove."""

from datetime import timedelta
from typing import Any

import pytest

from cluster import clock, errors, eviction, kinds, nodes, reconcile, store
from cluster.models import Sandbox
from cluster.objects import Obj, condition, name_of, rfc3339

UNREACHABLE = "node.kubernetes.io/unreachable"


def kind(name: str, group: str = "") -> Any:
    found = kinds.by_kind(group, name)
    assert found is not None
    return found


def replicaset(replicas: int = 3) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}


def budget(**spec: Any) -> Obj:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


def pods(sandbox: Sandbox) -> list[Obj]:
    return store.list_objects(sandbox, kind("Pod"), "default")[0]


def node(sandbox: Sandbox, name: str) -> Obj:
    return store.get(sandbox, kind("Node"), "", name)


def ready(obj: Obj) -> str:
    return str((condition(obj, "Ready") or {}).get("status"))


def running_web(sandbox: Sandbox) -> list[Obj]:
    return [p for p in pods(sandbox) if p["status"].get("phase") == "Running"
            and not p["metadata"].get("deletionTimestamp")]


def events(sandbox: Sandbox, reason: str) -> list[Obj]:
    return [e for e in store.list_objects(sandbox, kind("Event"))[0] if e["reason"] == reason]


def advance(sandbox: Sandbox, seconds: float) -> None:
    clock.advance(sandbox, seconds)
    reconcile.run(sandbox.pk)


@pytest.fixture
def web(sandbox: Sandbox) -> Sandbox:
    """The sandbox with a ReplicaSet of three running pods, one per node."""
    reconcile.run(sandbox.pk)
    store.create(sandbox, replicaset(), namespace="default")
    reconcile.run(sandbox.pk)
    assert sorted(p["spec"]["nodeName"] for p in running_web(sandbox)) == ["node-1", "node-2", "node-3"]
    return sandbox


def test_it_replaces_the_pods_of_a_crashed_node_only_after_notready_and_eviction(web: Sandbox) -> None:
    victim = next(p for p in running_web(web) if p["spec"]["nodeName"] == "node-1")
    nodes.crash(web, "node-1")
    reconcile.run(web.pk)

    advance(web, 39)
    assert ready(node(web, "node-1")) == "True"

    advance(web, 1)
    failed = node(web, "node-1")
    assert ready(failed) == "Unknown"
    assert [(t["key"], t["effect"]) for t in failed["spec"]["taints"]] == [(UNREACHABLE, "NoExecute"),
                                                                           (UNREACHABLE, "NoSchedule")]

    advance(web, 299)
    assert not store.get(web, kind("Pod"), "default", name_of(victim))["metadata"].get("deletionTimestamp")

    advance(web, 1)
    stuck = store.get(web, kind("Pod"), "default", name_of(victim))
    assert stuck["metadata"].get("deletionTimestamp")  # Terminating: no kubelet is left to stop it
    assert [e["message"] for e in events(web, "TaintManagerEviction")] == [
        f"Marking for deletion Pod default/{name_of(victim)}"]
    replacements = running_web(web)
    assert len(replacements) == 3 and all(p["spec"]["nodeName"] != "node-1" for p in replacements)


def test_it_brings_a_restarted_node_back_and_lets_its_kubelet_remove_the_stuck_pod(web: Sandbox) -> None:
    victim = next(p for p in running_web(web) if p["spec"]["nodeName"] == "node-1")
    nodes.crash(web, "node-1")
    advance(web, 340)

    nodes.restart(web, "node-1")
    reconcile.run(web.pk)

    back = node(web, "node-1")
    assert ready(back) == "True" and "taints" not in back["spec"]
    assert {c["type"]: c["status"] for c in back["status"]["conditions"]} == {
        "MemoryPressure": "False", "DiskPressure": "False", "PIDPressure": "False", "Ready": "True"}
    assert name_of(victim) not in [name_of(p) for p in pods(web)]
    assert len(running_web(web)) == 3


def test_it_reports_a_surviving_pod_ready_again_when_its_node_returns(web: Sandbox) -> None:
    survivor = next(p for p in running_web(web) if p["spec"]["nodeName"] == "node-1")
    nodes.crash(web, "node-1")
    advance(web, 60)  # NotReady: the node controller marks its pods not Ready, but evicts none yet
    assert ready(store.get(web, kind("Pod"), "default", name_of(survivor))) == "False"

    nodes.restart(web, "node-1")
    reconcile.run(web.pk)

    assert ready(store.get(web, kind("Pod"), "default", name_of(survivor))) == "True"


def test_it_warns_the_node_and_its_pods_when_the_node_goes_not_ready(web: Sandbox) -> None:
    nodes.stop(web, "node-2")
    advance(web, 40)

    assert [e["message"] for e in events(web, "NodeNotReady")] == ["Node node-2 status is now: NodeNotReady",
                                                                   "Node is not ready"]
    on_node = next(p for p in pods(web) if p["spec"]["nodeName"] == "node-2")
    assert ready(on_node) == "False"


def test_it_counts_down_to_not_ready_and_eviction(web: Sandbox) -> None:
    victim = next(p for p in running_web(web) if p["spec"]["nodeName"] == "node-3")
    start = clock.now(web)
    nodes.crash(web, "node-3")
    advance(web, 10)

    timers = nodes.countdown(web, "node-3")

    assert timers.not_ready_at == start + timedelta(seconds=40)
    # Taints carry whole seconds (a metav1.Time), so the eviction is counted from the second it was added.
    assert timers.evictions == {f"default/{name_of(victim)}": start.replace(microsecond=0) + timedelta(seconds=340)}


def test_it_cordons_with_the_unschedulable_taint_and_uncordons(web: Sandbox) -> None:
    assert nodes.cordon(web, "node-1") is True
    assert nodes.cordon(web, "node-1") is False
    reconcile.run(web.pk)
    cordoned = node(web, "node-1")

    nodes.uncordon(web, "node-1")
    reconcile.run(web.pk)

    assert [(t["key"], t["effect"]) for t in cordoned["spec"]["taints"]] == [
        ("node.kubernetes.io/unschedulable", "NoSchedule")]
    assert cordoned["spec"]["unschedulable"] is True
    assert "taints" not in node(web, "node-1")["spec"] and "unschedulable" not in node(web, "node-1")["spec"]


def test_it_drains_a_node_and_its_pods_come_back_elsewhere(web: Sandbox) -> None:
    victim = next(p for p in running_web(web) if p["spec"]["nodeName"] == "node-1")

    result = nodes.drain(web, "node-1")
    reconcile.run(web.pk)

    where = f"default/{name_of(victim)}"
    assert result.lines() == ["node/node-1 cordoned", f"evicting pod {where}", f"pod/{name_of(victim)} evicted",
                              "node/node-1 drained"]
    assert sorted(p["spec"]["nodeName"] for p in running_web(web)) in (["node-2", "node-2", "node-3"],
                                                                      ["node-2", "node-3", "node-3"])
    assert name_of(victim) not in [name_of(p) for p in pods(web)]


def test_it_leaves_daemonset_pods_where_they_are_when_draining(web: Sandbox) -> None:
    ds = store.create(web, {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
                            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                                     "template": {"metadata": {"labels": {"app": "agent"}},
                                                  "spec": {"containers": [{"name": "a", "image": "busybox"}]}}}},
                      namespace="default")
    owner = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": ds["metadata"]["uid"],
             "controller": True}
    store.create(web, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent-x", "ownerReferences": [owner],
                                                                      "labels": {"app": "agent"}},
                       "spec": {"nodeName": "node-1", "containers": [{"name": "a", "image": "busybox"}]}},
                 namespace="default")

    result = nodes.drain(web, "node-1")

    assert result.ignored == ["default/agent-x"]
    assert not store.get(web, kind("Pod"), "default", "agent-x")["metadata"].get("deletionTimestamp")


def test_it_refuses_to_drain_past_a_disruption_budget(web: Sandbox) -> None:
    store.create(web, budget(minAvailable=3), namespace="default")
    reconcile.run(web.pk)

    result = nodes.drain(web, "node-1")

    assert not result.drained
    assert any("Cannot evict pod as it would violate the pod's disruption budget." in line for line in result.lines())
    assert result.lines()[-3:-1] == ["There are pending nodes to be drained:", " node-1"]
    assert len(running_web(web)) == 3


def test_it_spends_a_budget_one_eviction_at_a_time(web: Sandbox) -> None:
    store.create(web, budget(maxUnavailable=1), namespace="default")
    reconcile.run(web.pk)
    first, second = [name_of(p) for p in running_web(web)][:2]

    eviction.evict(web, "default", first)
    with pytest.raises(errors.StatusError) as refused:
        eviction.evict(web, "default", second)

    assert refused.value.code == 429 and refused.value.reason == "TooManyRequests"
    # The counts are the controller's, not yet redone: as on a real server, only the allowance was spent.
    assert refused.value.details["causes"] == [{"reason": "DisruptionBudget", "message":
                                                "The disruption budget web needs 2 healthy pods and has 3 currently"}]
    status = store.get(web, kind("PodDisruptionBudget", "policy"), "default", "web")["status"]
    assert status["disruptionsAllowed"] == 0 and status["disruptedPods"] == {first: rfc3339(clock.now(web))}
    evicted = store.get(web, kind("Pod"), "default", first)
    assert (condition(evicted, "DisruptionTarget") or {}).get("reason") == "EvictionByEvictionAPI"


def test_it_lets_the_budget_recover_once_the_replacement_is_ready(web: Sandbox) -> None:
    store.create(web, budget(maxUnavailable=1), namespace="default")
    reconcile.run(web.pk)
    first, second = [name_of(p) for p in running_web(web)][:2]

    eviction.evict(web, "default", first)
    reconcile.run(web.pk)
    eviction.evict(web, "default", second)

    status = store.get(web, kind("PodDisruptionBudget", "policy"), "default", "web")["status"]
    assert status["disruptedPods"] == {second: rfc3339(clock.now(web))}


def test_it_adds_the_next_node_which_registers_itself(web: Sandbox) -> None:
    added = nodes.add(web, cpu="2", memory="4Gi")
    reconcile.run(web.pk)

    assert name_of(added) == "node-4"
    assert ready(node(web, "node-4")) == "True"
    assert node(web, "node-4")["status"]["capacity"]["cpu"] == "2"


def test_it_removes_a_node_and_its_pods_are_replaced_elsewhere(web: Sandbox) -> None:
    nodes.remove(web, "node-2")
    reconcile.run(web.pk)

    assert [name_of(n) for n in store.list_objects(web, kind("Node"))[0]] == ["node-1", "node-3"]
    assert sorted({p["spec"]["nodeName"] for p in running_web(web)}) == ["node-1", "node-3"]
    assert len(running_web(web)) == 3


def workload(kind: str, name: str, **spec: Any) -> Obj:
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"app": name}}, **spec,
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": "busybox:1.36"}]}}}}


def test_it_leaves_daemonset_pods_on_an_unreachable_node(web: Sandbox) -> None:
    store.create(web, workload("DaemonSet", "agent"), namespace="default")
    reconcile.run(web.pk)
    nodes.crash(web, "node-1")
    advance(web, 40)
    advance(web, 300)

    agents = [p for p in pods(web) if p["metadata"]["labels"].get("app") == "agent"]
    on_failed = [p for p in agents if p["spec"]["nodeName"] == "node-1"]
    assert len(agents) == 3 and len(on_failed) == 1
    assert not on_failed[0]["metadata"].get("deletionTimestamp")


def test_it_does_not_replace_a_statefulset_pod_while_its_node_is_unreachable(web: Sandbox) -> None:
    store.create(web, workload("StatefulSet", "db", replicas=1, serviceName="db"), namespace="default")
    reconcile.run(web.pk)
    home = store.get(web, kind("Pod"), "default", "db-0")["spec"]["nodeName"]
    nodes.crash(web, home)
    advance(web, 40)
    advance(web, 300)

    stuck = store.get(web, kind("Pod"), "default", "db-0")
    assert stuck["metadata"].get("deletionTimestamp") and stuck["spec"]["nodeName"] == home

    nodes.restart(web, home)
    reconcile.run(web.pk)

    again = store.get(web, kind("Pod"), "default", "db-0")
    assert again["metadata"]["uid"] != stuck["metadata"]["uid"] and again["status"]["phase"] == "Running"
