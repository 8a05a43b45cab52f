"""Rollouts through the real store and reconcile loop (ReplicaSets, scheduler, kubelet), on the sandbox clock."""

from collections.abc import Callable
from typing import Any

import pytest

from cluster import clock, kinds, reconcile, sandboxes, store
from cluster.controllers.deployment import revisions
from cluster.kinds import Kind
from cluster.models import Profile, Sandbox, WatchEvent
from cluster.objects import Obj, annotations_of, condition, name_of

DEPLOYMENTS = kinds.by_kind("apps", "Deployment")
REPLICA_SETS = kinds.by_kind("apps", "ReplicaSet")


def manifest(replicas: int = 3, strategy: dict[str, Any] | None = None, cpu: str = "", **spec: Any) -> Obj:
    container: dict[str, Any] = {"name": "nginx", "image": "nginx:1.25"}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "strategy": strategy or {"type": "RollingUpdate",
                                              "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}},
                     **spec}}


def kind(found: Kind | None) -> Kind:
    assert found is not None
    return found


def deployment(sandbox: Sandbox) -> Obj:
    return store.get(sandbox, kind(DEPLOYMENTS), "default", "web")


def replica_sets(sandbox: Sandbox) -> list[Obj]:
    items, _ = store.list_objects(sandbox, kind(REPLICA_SETS), "default")
    return sorted(items, key=lambda rs: (rs["metadata"]["creationTimestamp"], name_of(rs)))


def change(sandbox: Sandbox, mutate: Callable[[Obj], None]) -> None:
    def apply(obj: Obj) -> Obj:
        mutate(obj)
        return obj
    store.patch(sandbox, kind(DEPLOYMENTS), "default", "web", apply)


def set_image(image: str) -> Callable[[Obj], None]:
    def mutate(obj: Obj) -> None:
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return mutate


def image_of(rs: Obj) -> str:
    return str(rs["spec"]["template"]["spec"]["containers"][0]["image"])


def rolled_out(sandbox: Sandbox) -> bool:
    obj = deployment(sandbox)
    status, desired = obj.get("status") or {}, obj["spec"]["replicas"]
    return (status.get("observedGeneration") == obj["metadata"]["generation"]
            and status.get("updatedReplicas", 0) == status.get("replicas", 0) == desired
            and status.get("availableReplicas", 0) == desired)


@pytest.fixture
def realistic(db: None) -> Sandbox:
    """Pods take seconds to start here: each step of a rollout waits for the clock."""
    return sandboxes.create("rollout", nodes=3, profile=Profile.REALISTIC, speed=0)


def size_steps(sandbox: Sandbox, after: int, sizes: dict[str, int]) -> list[tuple[int, ...]]:
    """Replay the ReplicaSets' watch log after `after`: the (old, new) sizes after each change of size."""
    steps: list[tuple[int, ...]] = []
    for event in WatchEvent.objects.filter(sandbox=sandbox, kind="ReplicaSet",
                                           resource_version__gt=after).order_by("resource_version"):
        before = tuple(sizes.values())
        sizes[event.object["metadata"]["name"]] = event.object["spec"]["replicas"]
        if tuple(sizes.values()) != before and len(sizes) == 2:
            steps.append(tuple(sizes.values()))
    return steps


def newest_rv(sandbox: Sandbox) -> int:
    return max(WatchEvent.objects.filter(sandbox=sandbox).values_list("resource_version", flat=True))


def test_it_steps_a_rolling_update_as_kubernetes_does(realistic: Sandbox) -> None:
    store.create(realistic, manifest(replicas=3), namespace="default")
    for _ in range(120):
        if rolled_out(realistic):
            break
        clock.advance(realistic, 0.5)
        reconcile.run(realistic.pk)
    [old] = replica_sets(realistic)
    sizes, seen, rounds = {name_of(old): 3}, newest_rv(realistic), []
    change(realistic, set_image("nginx:1.26"))

    for _ in range(240):
        reconcile.run(realistic.pk)
        rounds.append(size_steps(realistic, seen, sizes))
        seen = newest_rv(realistic)
        if rolled_out(realistic):
            break
        clock.advance(realistic, 0.5)

    steps = [step for found in rounds for step in found]
    assert [(3, 0), *steps] == [(3, 0), (3, 1), (2, 1), (2, 2), (1, 2), (1, 3), (0, 3)]
    # An old pod goes only once a new one is ready, which takes sandbox time: each scale-down
    # comes in a later round (after a clock advance) than the scale-up before it.
    round_of = {step: i for i, found in enumerate(rounds) for step in found}
    assert round_of[(3, 1)] < round_of[(2, 1)]
    assert round_of[(2, 2)] < round_of[(1, 2)]
    assert round_of[(1, 3)] < round_of[(0, 3)]


def test_it_rolls_back_to_the_old_replicaset_with_a_new_revision(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(replicas=2), namespace="default")
    reconcile.run(sandbox.pk)
    change(sandbox, set_image("nginx:1.26"))
    reconcile.run(sandbox.pk)
    [first] = [rs for rs in replica_sets(sandbox) if image_of(rs) == "nginx:1.25"]
    template = {"metadata": {"creationTimestamp": None, "labels": {"app": "web"}},  # as `rollout undo` sends it
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "resources": {}}]}}

    change(sandbox, lambda obj: obj["spec"].update(template=template))
    reconcile.run(sandbox.pk)

    assert rolled_out(sandbox) and len(replica_sets(sandbox)) == 2
    reused = store.get(sandbox, kind(REPLICA_SETS), "default", name_of(first))
    assert annotations_of(reused)[revisions.REVISION] == "3" and reused["spec"]["replicas"] == 2
    assert annotations_of(deployment(sandbox))[revisions.REVISION] == "3"


def test_it_reports_progress_deadline_exceeded_when_pods_never_fit(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(replicas=1, cpu="64", progressDeadlineSeconds=30), namespace="default")
    reconcile.run(sandbox.pk)
    assert (condition(deployment(sandbox), "Progressing") or {}).get("status") == "True"

    clock.advance(sandbox, 31)
    reconcile.run(sandbox.pk)

    progressing = condition(deployment(sandbox), "Progressing") or {}
    assert (progressing["status"], progressing["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert (condition(deployment(sandbox), "Available") or {})["reason"] == "MinimumReplicasUnavailable"


def test_it_recreates_with_no_new_pod_before_the_old_ones_are_gone(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(replicas=2, strategy={"type": "Recreate"}), namespace="default")
    reconcile.run(sandbox.pk)
    [old] = replica_sets(sandbox)
    start = max(WatchEvent.objects.filter(sandbox=sandbox).values_list("resource_version", flat=True))

    change(sandbox, set_image("nginx:1.26"))
    reconcile.run(sandbox.pk)

    log = WatchEvent.objects.filter(sandbox=sandbox, kind="Pod", resource_version__gt=start).order_by(
        "resource_version")
    steps = [(e.type, e.object["metadata"]["labels"]["pod-template-hash"], e.object.get("status", {}).get("phase"))
             for e in log]
    old_hash = old["metadata"]["labels"]["pod-template-hash"]
    # An old pod is out of the way once it stopped (Succeeded or Failed) or is gone, as upstream's
    # Recreate counts it; the kubelet removes a stopped pod a moment later.
    stopped = [i for i, (kind_, h, phase) in enumerate(steps)
               if h == old_hash and (kind_ == "DELETED" or phase in ("Succeeded", "Failed"))]
    first_new = min(i for i, (kind_, h, _) in enumerate(steps) if kind_ == "ADDED" and h != old_hash)
    assert len({steps[i][1] for i in stopped}) == 1 and max(stopped[:2]) < first_new
    assert rolled_out(sandbox)


def test_it_scales_without_a_new_revision(sandbox: Sandbox) -> None:
    store.create(sandbox, manifest(replicas=2), namespace="default")
    reconcile.run(sandbox.pk)

    change(sandbox, lambda obj: obj["spec"].update(replicas=4))
    reconcile.run(sandbox.pk)

    [rs] = replica_sets(sandbox)
    assert rs["spec"]["replicas"] == 4 and annotations_of(rs)[revisions.REVISION] == "1"
    assert rolled_out(sandbox)
