"""Builders for the deployment controller's pure tests: Deployments as the API server stores them,
and a tiny stand-in for the store and the ReplicaSet controller, so a rollout can be stepped through
without a database.
"""

import itertools
from collections.abc import Sequence
from typing import Any

from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers import deployment as controller
from cluster.kinds import deployment as deployment_kind
from cluster.objects import Obj, Ref, copy, name_of
from cluster.state import ClusterState
from tests.builders import stamp

_rv = itertools.count(10_000)


def new_deployment(name: str = "web", *, replicas: int = 3, image: str = "nginx:1.25", namespace: str = "default",
                   strategy: dict[str, Any] | None = None, annotations: dict[str, str] | None = None,
                   **spec: Any) -> Obj:
    """A Deployment after the API server's defaults (RollingUpdate 25%/25%, history 10, deadline 600 s)."""
    labels = {"app": name}
    deployment: Obj = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels),
                     **({"annotations": dict(annotations)} if annotations else {})},
        "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                 "template": {"metadata": {"labels": dict(labels)},
                              "spec": {"containers": [{"name": "nginx", "image": image,
                                                       "ports": [{"containerPort": 80}]}]}},
                 **({"strategy": strategy} if strategy else {}), **spec},
    }
    deployment_kind.default(deployment)
    return stamp(deployment)


def rolling(surge: int | str, unavailable: int | str) -> dict[str, Any]:
    return {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}


def with_image(deployment: Obj, image: str) -> Obj:
    """The Deployment after `kubectl set image`: a new template, a new generation."""
    changed = copy(deployment)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = image
    changed["metadata"]["generation"] = int(changed["metadata"].get("generation", 1)) + 1
    return changed


def apply(state: ClusterState, actions: Sequence[Action]) -> None:
    """What the store would do with the actions, minus validation: enough to take the next step."""
    for action in actions:
        if isinstance(action, Create):
            state.put(stamp(copy(action.obj), created=state.now))
        elif isinstance(action, Update):
            state.put(_updated(state, action.obj))
        elif isinstance(action, Delete):
            state.drop(action.ref)


def _updated(state: ClusterState, obj: Obj) -> Obj:
    new = copy(obj)
    ref = Ref.to(obj)
    old = state.get(ref.kind, ref.namespace, ref.name, ref.group) or obj
    if new.get("spec") != old.get("spec"):
        new["metadata"]["generation"] = int(old["metadata"].get("generation", 1)) + 1
    new["metadata"]["resourceVersion"] = str(next(_rv))
    return new


def pods_become_available(state: ClusterState, available: bool = True) -> None:
    """The ReplicaSet controller and the kubelet, abridged: every ReplicaSet has its pods, all available."""
    for rs in state.of_kind("ReplicaSet", "apps"):
        settled = copy(rs)
        count = int(rs["spec"].get("replicas", 1))
        ready = count if available else 0
        settled["status"] = {"replicas": count, "fullyLabeledReplicas": count, "readyReplicas": ready,
                             "availableReplicas": ready, "observedGeneration": rs["metadata"].get("generation", 1)}
        if settled != rs:
            state.put(settled)


def converge(state: ClusterState, *, limit: int = 50) -> list[Action]:
    """Run the controller and let pods catch up until nothing changes; every action taken, in order."""
    taken: list[Action] = []
    for _ in range(limit):
        actions = [a for a in controller.reconcile(state) if not _is_wake(a)]
        if not actions:
            return taken
        apply(state, actions)
        pods_become_available(state)
        taken += actions
    raise AssertionError("the deployment controller never settled")


def _is_wake(action: Action) -> bool:
    return isinstance(action, WakeAt)


def replica_sets(state: ClusterState) -> list[Obj]:
    return sorted(state.of_kind("ReplicaSet", "apps"), key=lambda rs: (rs["metadata"]["creationTimestamp"],
                                                                        name_of(rs)))


def the(state: ClusterState, kind: str, name: str, group: str = "apps") -> Obj:
    obj = state.get(kind, "default", name, group)
    assert obj is not None, f"{kind} {name} is missing"
    return obj


def events(actions: list[Action]) -> list[str]:
    return [a.message for a in actions if isinstance(a, Emit)]
