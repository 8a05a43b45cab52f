"""The DaemonSet controller, pure: builders in, actions out."""

from datetime import timedelta
from typing import Any

from cluster.actions import Create, Delete, Emit, Update
from cluster.controllers import daemonset, revisions
from cluster.controllers.daemonset import placement, status
from cluster.objects import Obj, labels_of, name_of, rfc3339
from tests.builders import T0, new_node, stamp, state_of


def new_daemonset(name: str = "agent", *, image: str = "agent:1", node_selector: dict[str, str] | None = None,
                  tolerations: list[dict[str, Any]] | None = None, **strategy: Any) -> Obj:
    labels = {"app": name}
    pod_spec: dict[str, Any] = {"containers": [{"name": "agent", "image": image}]}
    if node_selector:
        pod_spec["nodeSelector"] = node_selector
    if tolerations:
        pod_spec["tolerations"] = tolerations
    update: dict[str, Any] = {"type": strategy.pop("type", "RollingUpdate")}
    if update["type"] == "RollingUpdate":
        update["rollingUpdate"] = {"maxUnavailable": strategy.pop("max_unavailable", 1),
                                   "maxSurge": strategy.pop("max_surge", 0)}
    return stamp({"apiVersion": "apps/v1", "kind": "DaemonSet",
                  "metadata": {"name": name, "namespace": "default", "labels": dict(labels)},
                  "spec": {"selector": {"matchLabels": dict(labels)}, "revisionHistoryLimit": 10,
                           "updateStrategy": update,
                           "template": {"metadata": {"labels": dict(labels)}, "spec": pod_spec}},
                  "status": {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                             "numberReady": 0}})


def revision_of(ds: Obj, number: int = 1) -> Obj:
    revision = stamp(daemonset.candidate(ds, 0))
    revision["revision"] = number
    return revision


def hash_of(revision: Obj) -> str:
    return labels_of(revision)[revisions.POD_LABEL]


def daemon_pod(ds: Obj, node: str, revision: Obj, *, ready: bool = True, since=T0) -> Obj:
    template = placement.template(ds, hash_of(revision))
    pod = stamp(placement.new_pod(ds, template, node, f"{name_of(ds)}-{node}"))
    pod["spec"]["nodeName"] = node
    ready_text = "True" if ready else "False"
    pod["status"] = {"phase": "Running", "conditions": [
        {"type": "Ready", "status": ready_text, "lastTransitionTime": rfc3339(since)}]}
    return pod


def synced(ds: Obj, nodes: list[Obj], pods: list[Obj], revision: Obj) -> Obj:
    by_node = daemonset.pods_by_node(pods)
    fits = {name_of(n): placement.placement_on(placement.template(ds, hash_of(revision)), n).should_run for n in nodes}
    ds["status"] = status.calculate(ds, fits, by_node, hash_of(revision), T0)
    return ds


def of_type(actions: list, kind: type) -> list:
    return [a for a in actions if isinstance(a, kind)]


def test_it_does_nothing_when_every_node_runs_an_up_to_date_pod() -> None:
    ds, nodes = new_daemonset(), [new_node("node-1"), new_node("node-2")]
    revision = revision_of(ds)
    pods = [daemon_pod(ds, name_of(n), revision) for n in nodes]
    assert daemonset.reconcile(state_of(synced(ds, nodes, pods, revision), revision, *nodes, *pods)) == []


def test_it_records_the_template_as_a_controller_revision() -> None:
    ds = new_daemonset()
    actions = daemonset.reconcile(state_of(ds, new_node("node-1")))
    revision = next(a.obj for a in of_type(actions, Create) if a.obj["kind"] == "ControllerRevision")
    assert revision["revision"] == 1
    assert name_of(revision) == f"agent-{hash_of(revision)}"
    assert revision["metadata"]["ownerReferences"][0]["uid"] == ds["metadata"]["uid"]
    assert revision["data"]["spec"]["template"]["$patch"] == "replace"
    assert revision["data"]["spec"]["template"]["spec"]["containers"][0]["image"] == "agent:1"


def test_it_creates_one_pod_per_node_pinned_by_node_affinity() -> None:
    ds = new_daemonset()
    actions = daemonset.reconcile(state_of(ds, new_node("node-1"), new_node("node-2")))
    pods = [a.obj for a in of_type(actions, Create) if a.obj["kind"] == "Pod"]
    assert [placement.target_node(p) for p in pods] == ["node-1", "node-2"]
    terms = pods[0]["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms == {"nodeSelectorTerms": [{"matchFields": [
        {"key": "metadata.name", "operator": "In", "values": ["node-1"]}]}]}
    assert "nodeName" not in pods[0]["spec"]  # the scheduler binds it
    assert name_of(pods[0]).startswith("agent-") and len(name_of(pods[0])) == len("agent-") + 5
    assert labels_of(pods[0])["controller-revision-hash"]
    assert [(e.reason, e.message) for e in of_type(actions, Emit)] == [
        ("SuccessfulCreate", f"Created pod: {name_of(p)}") for p in pods]


def test_it_gives_daemon_pods_the_daemon_tolerations() -> None:
    ds = new_daemonset()
    pod = next(a.obj for a in daemonset.reconcile(state_of(ds, new_node())) if isinstance(a, Create)
               and a.obj["kind"] == "Pod")
    tolerations = {(t["key"], t["effect"]) for t in pod["spec"]["tolerations"]}
    assert tolerations == {("node.kubernetes.io/not-ready", "NoExecute"),
                           ("node.kubernetes.io/unreachable", "NoExecute"),
                           ("node.kubernetes.io/disk-pressure", "NoSchedule"),
                           ("node.kubernetes.io/memory-pressure", "NoSchedule"),
                           ("node.kubernetes.io/pid-pressure", "NoSchedule"),
                           ("node.kubernetes.io/unschedulable", "NoSchedule")}
    assert all("tolerationSeconds" not in t for t in pod["spec"]["tolerations"])


def test_it_skips_nodes_its_selector_or_taints_exclude_but_not_cordoned_ones() -> None:
    ds = new_daemonset(node_selector={"disk": "ssd"})
    nodes = [new_node("plain"), new_node("ssd", labels={"disk": "ssd"}),
             new_node("cordoned", labels={"disk": "ssd"}, unschedulable=True),
             new_node("tainted", labels={"disk": "ssd"}, taints=[{"key": "gpu", "effect": "NoSchedule"}]),
             new_node("down", labels={"disk": "ssd"}, ready=False)]
    pods = [a.obj for a in daemonset.reconcile(state_of(ds, *nodes)) if isinstance(a, Create)
            and a.obj["kind"] == "Pod"]
    assert sorted(placement.target_node(p) for p in pods) == ["cordoned", "ssd"]


def test_it_runs_on_a_tainted_node_its_pods_tolerate() -> None:
    ds = new_daemonset(tolerations=[{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}])
    node = new_node("gpu-1", taints=[{"key": "gpu", "effect": "NoSchedule"}])
    assert any(isinstance(a, Create) and a.obj["kind"] == "Pod" for a in daemonset.reconcile(state_of(ds, node)))


def test_it_keeps_a_pod_under_a_new_noschedule_taint_but_removes_it_under_noexecute() -> None:
    ds = new_daemonset()
    revision = revision_of(ds)
    nodes = [new_node("soft", taints=[{"key": "k", "effect": "NoSchedule"}]),
             new_node("hard", taints=[{"key": "k", "effect": "NoExecute"}])]
    pods = [daemon_pod(ds, name_of(n), revision) for n in nodes]
    actions = daemonset.reconcile(state_of(ds, revision, *nodes, *pods))
    assert [d.ref.name for d in of_type(actions, Delete)] == ["agent-hard"]
    assert ("SuccessfulDelete", "Deleted pod: agent-hard") in [(e.reason, e.message) for e in of_type(actions, Emit)]
    new_status = of_type(actions, Update)[-1].obj["status"]
    assert new_status["desiredNumberScheduled"] == 0
    assert new_status["numberMisscheduled"] == 2


def test_it_computes_status_per_node() -> None:
    ds = new_daemonset()
    revision = revision_of(ds)
    nodes = [new_node("node-1"), new_node("node-2"), new_node("node-3")]
    pods = [daemon_pod(ds, "node-1", revision), daemon_pod(ds, "node-2", revision, ready=False)]
    actions = daemonset.reconcile(state_of(ds, revision, *nodes, *pods))
    assert of_type(actions, Update)[-1].obj["status"] == {
        "currentNumberScheduled": 2, "desiredNumberScheduled": 3, "numberMisscheduled": 0, "numberReady": 1,
        "numberAvailable": 1, "numberUnavailable": 2, "updatedNumberScheduled": 2, "observedGeneration": 1}


def test_it_replaces_old_pods_one_node_at_a_time() -> None:
    ds = new_daemonset()
    old_revision = revision_of(ds)
    nodes = [new_node("node-1"), new_node("node-2"), new_node("node-3")]
    pods = [daemon_pod(ds, name_of(n), old_revision) for n in nodes]
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:2"
    actions = daemonset.reconcile(state_of(ds, old_revision, *nodes, *pods))
    new_revision = next(a.obj for a in of_type(actions, Create) if a.obj["kind"] == "ControllerRevision")
    assert new_revision["revision"] == 2
    assert [d.ref.name for d in of_type(actions, Delete)] == ["agent-node-1"]
    assert not [a for a in of_type(actions, Create) if a.obj["kind"] == "Pod"]


def test_it_waits_while_a_node_is_without_an_available_pod() -> None:
    ds = new_daemonset()
    old_revision = revision_of(ds)
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:2"
    new_revision = revision_of(ds, 2)
    nodes = [new_node("node-1"), new_node("node-2")]
    pods = [daemon_pod(ds, "node-1", new_revision, ready=False), daemon_pod(ds, "node-2", old_revision)]
    assert of_type(daemonset.reconcile(state_of(ds, old_revision, new_revision, *nodes, *pods)), Delete) == []


def test_it_surges_a_new_pod_beside_the_old_one_then_deletes_the_old() -> None:
    ds = new_daemonset(max_unavailable=0, max_surge=1)
    old_revision = revision_of(ds)
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:2"
    new_revision = revision_of(ds, 2)
    nodes = [new_node("node-1"), new_node("node-2")]
    old_pods = [daemon_pod(ds, name_of(n), old_revision) for n in nodes]
    actions = daemonset.reconcile(state_of(ds, old_revision, new_revision, *nodes, *old_pods))
    assert [placement.target_node(a.obj) for a in of_type(actions, Create)] == ["node-1"]
    assert of_type(actions, Delete) == []

    surged = daemon_pod(ds, "node-1", new_revision)
    surged["metadata"]["name"] = "agent-new"
    actions = daemonset.reconcile(state_of(ds, old_revision, new_revision, *nodes, *old_pods, surged))
    assert [d.ref.name for d in of_type(actions, Delete)] == ["agent-node-1"]


def test_it_leaves_old_pods_alone_on_delete() -> None:
    ds = new_daemonset(type="OnDelete")
    old_revision = revision_of(ds)
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:2"
    nodes = [new_node("node-1")]
    pods = [daemon_pod(ds, "node-1", old_revision)]
    assert of_type(daemonset.reconcile(state_of(ds, old_revision, *nodes, *pods)), Delete) == []


def test_it_deletes_an_unbound_pod_pinned_to_a_node_that_is_gone() -> None:
    ds = new_daemonset()
    revision = revision_of(ds)
    stray = daemon_pod(ds, "gone", revision)
    del stray["spec"]["nodeName"]
    stray["status"] = {"phase": "Pending"}
    actions = daemonset.reconcile(state_of(ds, revision, new_node("node-1"), stray))
    assert [d.ref.name for d in of_type(actions, Delete)] == ["agent-gone"]


def test_it_renumbers_an_old_revision_on_rollback() -> None:
    ds = new_daemonset()
    first = revision_of(ds, 1)
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:2"
    second = revision_of(ds, 2)
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:1"
    actions = daemonset.reconcile(state_of(ds, first, second, new_node("node-1")))
    renumbered = [a.obj for a in of_type(actions, Update) if a.obj["kind"] == "ControllerRevision"]
    assert [(name_of(r), r["revision"]) for r in renumbered] == [(name_of(first), 3)]


def test_it_asks_to_wake_when_a_pod_becomes_available() -> None:
    ds = new_daemonset()
    ds["spec"]["minReadySeconds"] = 30
    revision = revision_of(ds)
    pod = daemon_pod(ds, "node-1", revision, since=T0)
    actions = daemonset.reconcile(state_of(ds, revision, new_node("node-1"), pod, now=T0 + timedelta(seconds=5)))
    assert any(getattr(a, "at", None) == T0 + timedelta(seconds=30) for a in actions)
