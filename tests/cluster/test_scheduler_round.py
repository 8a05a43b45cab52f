"""The scheduler inside a reconcile round: its decisions reach the store, and a repeat round changes nothing."""

from typing import Any

from cluster import reconcile, store
from cluster.kinds.node import NODE
from cluster.kinds.pod import POD
from cluster.models import KubeObject, Sandbox
from cluster.objects import Obj, condition


def register(sandbox: Sandbox, name: str) -> None:
    """Report a node's capacity and readiness, as its kubelet would."""
    def ready(node: Obj) -> Obj:
        resources = {"cpu": "4", "memory": "8Gi", "pods": "110"}
        node["status"] = {"capacity": dict(resources), "allocatable": dict(resources),
                          "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}]}
        return node
    store.patch(sandbox, NODE, "", name, ready, subresource="status")


def pod(name: str, cpu: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25", "resources": {"requests": {"cpu": cpu}}}]}}


def scheduled(pod: Obj) -> dict[str, Any]:
    """The pod's PodScheduled condition, which must be there."""
    found = condition(pod, "PodScheduled")
    assert found is not None
    return found


def events_about(sandbox: Sandbox, name: str, reason: str) -> list[Obj]:
    return [e.body for e in KubeObject.objects.filter(sandbox=sandbox, kind="Event")
            if e.body["involvedObject"]["name"] == name and e.body["reason"] == reason]


def test_it_binds_and_reports_through_the_store(sandbox: Sandbox) -> None:
    for name in ("node-1", "node-2", "node-3"):
        register(sandbox, name)
    store.create(sandbox, pod("small", "1"), namespace="default")
    store.create(sandbox, pod("huge", "16"), namespace="default")
    reconcile.run(sandbox.pk)

    small = store.get(sandbox, POD, "default", "small")
    assert small["spec"]["nodeName"] == "node-1"
    assert scheduled(small)["status"] == "True"
    [assigned] = events_about(sandbox, "small", "Scheduled")
    assert assigned["message"] == "Successfully assigned default/small to node-1"
    assert assigned["source"] == {"component": "default-scheduler"}

    huge = store.get(sandbox, POD, "default", "huge")
    assert "nodeName" not in huge["spec"]
    assert scheduled(huge)["reason"] == "Unschedulable"
    [failed] = events_about(sandbox, "huge", "FailedScheduling")
    assert failed["type"] == "Warning" and failed["message"].startswith("0/3 nodes are available: 3 Insufficient cpu.")


def test_it_changes_nothing_in_a_repeat_round(sandbox: Sandbox) -> None:
    for name in ("node-1", "node-2", "node-3"):
        register(sandbox, name)
    store.create(sandbox, pod("huge", "16"), namespace="default")
    reconcile.run(sandbox.pk)
    before = Sandbox.objects.get(pk=sandbox.pk).resource_version
    Sandbox.objects.filter(pk=sandbox.pk).update(dirty=True)
    reconcile.run(sandbox.pk)
    assert Sandbox.objects.get(pk=sandbox.pk).resource_version == before
    [failed] = events_about(sandbox, "huge", "FailedScheduling")
    assert failed["count"] == 1
