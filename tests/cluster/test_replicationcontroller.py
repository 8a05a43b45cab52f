"""The ReplicationController controller: a ReplicaSet with an equality selector, pure."""

from typing import Any

from cluster.actions import Create, Emit, Update
from cluster.controllers import replicaset, replication
from cluster.objects import rfc3339
from tests.builders import T0, new_pod, stamp, state_of


def new_rc(name: str = "web", replicas: int = 2, selector: dict[str, str] | None = None) -> dict[str, Any]:
    labels = {"app": name}
    return stamp({"apiVersion": "v1", "kind": "ReplicationController",
                  "metadata": {"name": name, "namespace": "default", "labels": dict(labels)},
                  "spec": {"replicas": replicas, "selector": selector or dict(labels),
                           "template": {"metadata": {"labels": dict(labels)},
                                        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}},
                  "status": {"replicas": 0}})


def running(pod: dict[str, Any]) -> dict[str, Any]:
    pod["status"] = {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(T0)}]}
    return pod


def test_it_does_nothing_when_its_pods_are_running() -> None:
    rc = new_rc(replicas=2)
    pods = [running(new_pod(f"web-{i}", labels={"app": "web"}, owner=rc, node="node-1")) for i in range(2)]
    rc["status"] = replicaset.calculate_status(rc, pods, T0)

    assert replication.reconcile(state_of(rc, *pods)) == []


def test_it_creates_missing_pods_owned_by_the_replicationcontroller() -> None:
    rc = new_rc(replicas=2)

    actions = replication.reconcile(state_of(rc))

    creates = [a.obj for a in actions if isinstance(a, Create)]
    assert len(creates) == 2
    owner = creates[0]["metadata"]["ownerReferences"][0]
    assert (owner["apiVersion"], owner["kind"], owner["name"], owner["controller"]) == (
        "v1", "ReplicationController", "web", True)
    assert {e.component for e in actions if isinstance(e, Emit)} == {"replication-controller"}


def test_it_selects_pods_by_label_equality() -> None:
    rc = new_rc(replicas=1, selector={"app": "web", "tier": "front"})
    partial = running(new_pod("web-partial", labels={"app": "web"}, node="node-1"))
    full = running(new_pod("web-full", labels={"app": "web", "tier": "front"}, node="node-1"))

    actions = replication.reconcile(state_of(rc, partial, full))

    adopted = [a.obj["metadata"]["name"] for a in actions if isinstance(a, Update) and a.obj["kind"] == "Pod"]
    assert adopted == ["web-full"]
    assert not any(isinstance(a, Create) for a in actions)


def test_it_writes_the_replicas_it_counts_to_status() -> None:
    rc = new_rc(replicas=1)
    pod = running(new_pod("web-a", labels={"app": "web"}, owner=rc, node="node-1"))

    [update] = [a for a in replication.reconcile(state_of(rc, pod)) if isinstance(a, Update)]

    assert update.obj["status"]["replicas"] == 1 and update.obj["status"]["readyReplicas"] == 1
