"""Builders for test objects, in the spirit of Kubernetes' `newPod(...)` and `newReplicaSet(...)`.

They return plain dicts shaped as the store keeps them (uid, resourceVersion and
creationTimestamp filled in), so pure controller tests need no database.
"""

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

from cluster.objects import Obj, owner_reference, rfc3339
from cluster.state import ClusterState

T0 = datetime(2026, 1, 1, tzinfo=UTC)
_rv = itertools.count(100)


def stamp(obj: Obj, *, created: datetime = T0) -> Obj:
    meta = obj.setdefault("metadata", {})
    meta.setdefault("uid", str(uuid.uuid4()))
    meta.setdefault("resourceVersion", str(next(_rv)))
    meta.setdefault("creationTimestamp", rfc3339(created))
    meta.setdefault("generation", 1)
    return obj


def new_node(name: str = "node-1", *, cpu: str = "4", memory: str = "8Gi", pods: int = 110, ready: bool = True,
             unschedulable: bool = False, taints: list[dict[str, Any]] | None = None,
             labels: dict[str, str] | None = None) -> Obj:
    """A registered node, as its kubelet has reported it."""
    resources = {"cpu": cpu, "memory": memory, "pods": str(pods)}
    spec: dict[str, Any] = {}
    if unschedulable:
        spec["unschedulable"] = True
    if taints:
        spec["taints"] = taints
    return stamp({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": spec,
        "status": {"capacity": dict(resources), "allocatable": dict(resources),
                   "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                   "reason": "KubeletReady" if ready else "KubeletNotReady"}],
                   "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "Hostname", "address": name}]},
    })


def new_pod(name: str = "web", *, namespace: str = "default", cpu: str | None = None, memory: str | None = None,
            labels: dict[str, str] | None = None, node: str = "", phase: str = "Pending",
            owner: Obj | None = None, image: str = "nginx:1.25", **spec: Any) -> Obj:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    container = {"name": "app", "image": image, "resources": {"requests": requests} if requests else {}}
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": dict(labels or {})}
    if owner is not None:
        meta["ownerReferences"] = [owner_reference(owner)]
    pod_spec = {"containers": [container], "restartPolicy": "Always", "schedulerName": "default-scheduler",
                "terminationGracePeriodSeconds": 30, **spec}
    if node:
        pod_spec["nodeName"] = node
    return stamp({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": pod_spec,
                  "status": {"phase": phase}})


def new_replicaset(name: str = "web", *, replicas: int = 3, namespace: str = "default",
                   labels: dict[str, str] | None = None, cpu: str | None = None) -> Obj:
    labels = labels or {"app": name}
    requests = {"cpu": cpu} if cpu else {}
    return stamp({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                 "template": {"metadata": {"labels": dict(labels)},
                              "spec": {"containers": [{"name": "app", "image": "nginx:1.25",
                                                       "resources": {"requests": requests}}]}}},
        "status": {"replicas": 0},
    })


def new_namespace(name: str = "default") -> Obj:
    return stamp({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name},
                  "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})


def state_of(*objects: Obj, now: datetime = T0, profile: str = "fast") -> ClusterState:
    return ClusterState(objects, now=now, profile=profile)
