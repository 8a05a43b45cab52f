"""The kubelet through the real reconcile loop and store: a sandbox's nodes register and its pods run."""

from typing import Any

from cluster import clock, kinds, reconcile, store
from cluster.models import KubeObject, Sandbox, WatchEvent
from cluster.objects import condition


def pod_manifest(name: str = "web", node: str = "node-1") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "nginx", "image": "nginx:1.25"}]}}


def bodies(sandbox: Sandbox, kind: str, group: str = "") -> list[dict[str, Any]]:
    return list(KubeObject.objects.filter(sandbox=sandbox, kind=kind, group=group).values_list("body", flat=True))


def events_about(sandbox: Sandbox, name: str) -> list[tuple[str, str]]:
    events = [e for e in bodies(sandbox, "Event") if e["involvedObject"]["name"] == name]
    events.sort(key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [(e["reason"], e["message"]) for e in events]


def pod_kind() -> Any:
    kind = kinds.by_kind("", "Pod")
    assert kind is not None
    return kind


def test_it_registers_the_sandbox_nodes_ready_with_leases(sandbox: Sandbox) -> None:
    assert reconcile.run(sandbox.pk)

    nodes = bodies(sandbox, "Node")
    assert len(nodes) == 3
    assert all((condition(n, "Ready") or {}).get("status") == "True" for n in nodes)
    assert sorted(n["spec"]["podCIDR"] for n in nodes) == ["10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24"]
    leases = bodies(sandbox, "Lease", "coordination.k8s.io")
    assert sorted((lease["metadata"]["namespace"], lease["spec"]["holderIdentity"]) for lease in leases) == [
        ("kube-node-lease", "node-1"), ("kube-node-lease", "node-2"), ("kube-node-lease", "node-3")]


def test_it_runs_a_bound_pod_with_its_events_in_order(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    store.create(sandbox, pod_manifest(), namespace="default")

    assert reconcile.run(sandbox.pk)

    pod = store.get(sandbox, pod_kind(), "default", "web")
    assert pod["status"]["phase"] == "Running"
    assert pod["status"]["podIP"].startswith("10.244.")
    assert (condition(pod, "Ready") or {}).get("status") == "True"
    assert [reason for reason, _ in events_about(sandbox, "web")] == ["Pulling", "Pulled", "Created", "Started"]


def test_it_lets_watchers_see_each_step_of_the_pod_start(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    store.create(sandbox, pod_manifest(), namespace="default")
    reconcile.run(sandbox.pk)

    steps = [(e.object["status"].get("phase"), bool(e.object["status"].get("containerStatuses")))
             for e in WatchEvent.objects.filter(sandbox=sandbox, kind="Pod").order_by("resource_version")]
    assert steps[:2] == [("Pending", False), ("Pending", True)]
    assert steps[-1] == ("Running", True)


def test_it_renews_leases_as_the_clock_moves(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    before = {lease["metadata"]["name"]: lease["spec"]["renewTime"] for lease in bodies(sandbox, "Lease",
                                                                                         "coordination.k8s.io")}

    clock.advance(sandbox, 10)
    reconcile.run(sandbox.pk)

    after = {lease["metadata"]["name"]: lease["spec"]["renewTime"] for lease in bodies(sandbox, "Lease",
                                                                                        "coordination.k8s.io")}
    assert all(after[name] > before[name] for name in before)


def test_it_removes_a_deleted_pod_after_its_containers_stop(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    store.create(sandbox, pod_manifest(), namespace="default")
    reconcile.run(sandbox.pk)

    store.delete(sandbox, pod_kind(), "default", "web")
    reconcile.run(sandbox.pk)

    assert not KubeObject.objects.filter(sandbox=sandbox, kind="Pod", name="web").exists()
    assert ("Killing", "Stopping container nginx") in events_about(sandbox, "web")
