"""The DaemonSet controller through the real store, clock and reconcile loop."""

from typing import Any

from cluster import clock, kinds, reconcile, sandboxes, store
from cluster.actions import WakeAt
from cluster.controllers import daemonset
from cluster.kinds import Kind
from cluster.models import KubeObject, Sandbox
from cluster.objects import Obj, condition, labels_of, name_of


def kind(name: str, group: str = "") -> Kind:
    found = kinds.by_kind(group, name)
    assert found is not None
    return found


def manifest(image: str = "fluentd:1") -> Obj:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "logs"},
            "spec": {"selector": {"matchLabels": {"app": "logs"}},
                     "template": {"metadata": {"labels": {"app": "logs"}},
                                  "spec": {"containers": [{"name": "fluentd", "image": image}]}}}}


def bodies(sandbox: Sandbox, kind_name: str, group: str = "") -> list[dict[str, Any]]:
    return list(KubeObject.objects.filter(sandbox=sandbox, kind=kind_name, group=group).values_list("body", flat=True))


def daemon_pods(sandbox: Sandbox) -> list[Obj]:
    return [p for p in bodies(sandbox, "Pod") if labels_of(p).get("app") == "logs"]


def settle(sandbox: Sandbox, seconds: float = 5) -> None:
    clock.advance(sandbox, seconds)
    assert reconcile.run(sandbox.pk)
    # Settled means the controller, run again on what is stored, has nothing left to do.
    assert [a for a in daemonset.reconcile(store.load_state(sandbox)) if not isinstance(a, WakeAt)] == []


def ds_status(sandbox: Sandbox) -> dict[str, Any]:
    return dict(store.get(sandbox, kind("DaemonSet", "apps"), "default", "logs")["status"])


def test_it_runs_one_ready_pod_on_every_node(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(), namespace="default")
    settle(sandbox)

    pods = daemon_pods(sandbox)
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["node-1", "node-2", "node-3"]
    assert all((condition(p, "Ready") or {}).get("status") == "True" for p in pods)
    current = ds_status(sandbox)
    assert {k: current[k] for k in ("desiredNumberScheduled", "currentNumberScheduled", "numberReady",
                                    "updatedNumberScheduled", "numberAvailable")} == dict.fromkeys(
        ("desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled",
         "numberAvailable"), 3)


def test_it_follows_nodes_as_they_are_added_and_removed(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(), namespace="default")
    settle(sandbox)

    sandboxes.add_node(sandbox, "node-4")
    settle(sandbox)
    assert sorted(p["spec"]["nodeName"] for p in daemon_pods(sandbox)) == ["node-1", "node-2", "node-3", "node-4"]
    assert ds_status(sandbox)["desiredNumberScheduled"] == 4

    store.delete(sandbox, kind("Node"), "", "node-4")
    settle(sandbox)
    assert sorted(p["spec"]["nodeName"] for p in daemon_pods(sandbox)) == ["node-1", "node-2", "node-3"]
    assert ds_status(sandbox)["desiredNumberScheduled"] == 3
    assert ds_status(sandbox)["currentNumberScheduled"] == 3


def test_it_rolls_a_new_template_out_to_every_node(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest("fluentd:1"), namespace="default")
    settle(sandbox)

    def new_image(ds: Obj) -> Obj:
        ds["spec"]["template"]["spec"]["containers"][0]["image"] = "fluentd:2"
        return ds

    store.patch(sandbox, kind("DaemonSet", "apps"), "default", "logs", new_image)
    for _ in range(6):
        settle(sandbox)

    pods = daemon_pods(sandbox)
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["node-1", "node-2", "node-3"]
    assert {p["spec"]["containers"][0]["image"] for p in pods} == {"fluentd:2"}
    revisions = sorted(bodies(sandbox, "ControllerRevision", "apps"), key=lambda r: r["revision"])
    assert [r["revision"] for r in revisions] == [1, 2]
    assert {labels_of(p)["controller-revision-hash"] for p in pods} == {
        labels_of(revisions[1])["controller-revision-hash"]}
    assert ds_status(sandbox)["updatedNumberScheduled"] == 3
    deletes = [e for e in bodies(sandbox, "Event") if e["reason"] == "SuccessfulDelete"]
    assert len(deletes) == 3 and all(name_of(e).startswith("logs.") for e in deletes)
