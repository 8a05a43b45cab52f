"""Subresources with their own shapes: scale, eviction, binding, and a namespace's finalize.

* `scale` (Deployment, ReplicaSet, StatefulSet, ReplicationController) reads and writes
  `spec.replicas` through an `autoscaling/v1 Scale`, which is what `kubectl scale` and the
  HorizontalPodAutoscaler speak; `status.selector` is the label selector as a string.
* `eviction` (POST a `policy/v1 Eviction` to a pod) deletes the pod with its grace period,
  as `kubectl drain` does it, if its PodDisruptionBudget allows (`eviction`).
* `binding` (POST a `Binding` to a pod) sets the pod's node: what a scheduler does.
* `finalize` (PUT a Namespace) changes only `spec.finalizers`.

`status` needs no code of its own: the store keeps everything but `status` on such writes.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse

from cluster import errors, selectors, store
from cluster.errors import Cause, StatusError
from cluster.kinds import Kind
from cluster.models import Sandbox
from cluster.objects import Obj
from cluster.patch import apply_patch
from web.kubeapi import bodies, query, responses
from web.kubeapi.crud import namespace_of
from web.kubeapi.eviction import evict as evict_pod
from web.kubeapi.paths import Target

SCALE_API_VERSION = "autoscaling/v1"


def selector_text(obj: Obj, kind: Kind) -> str:
    selector = (obj.get("spec") or {}).get("selector") or {}
    if kind.kind == "ReplicationController":  # a plain map, not a LabelSelector
        return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    return selectors.to_string(selector)


def scale_of(obj: Obj, kind: Kind) -> dict[str, Any]:
    meta = obj["metadata"]
    kept = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta}
    return {"kind": "Scale", "apiVersion": SCALE_API_VERSION, "metadata": kept,
            "spec": {"replicas": int((obj.get("spec") or {}).get("replicas", 0))},
            "status": {"replicas": int((obj.get("status") or {}).get("replicas", 0)),
                       "selector": selector_text(obj, kind)}}


def replicas_of(scale: Any, name: str) -> int:
    spec = scale.get("spec") if isinstance(scale, dict) else None
    replicas = spec.get("replicas", 0) if isinstance(spec, dict) else 0
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        cause = Cause("spec.replicas", f"Invalid value: {replicas}: must be greater than or equal to 0")
        raise errors.invalid("Scale", "autoscaling", name, [cause])
    return replicas


def with_replicas(obj: Obj, replicas: int, pinned_rv: Any = None) -> Obj:
    obj.setdefault("spec", {})["replicas"] = replicas
    if pinned_rv:
        obj["metadata"]["resourceVersion"] = str(pinned_rv)
    return obj


def get_scale(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    obj = store.get(sandbox, target.kind, namespace_of(target), target.name)
    return responses.ok(scale_of(obj, target.kind))


def update_scale(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    scale = bodies.decode_object(request)
    if not isinstance(scale, dict) or scale.get("kind", "Scale") != "Scale":
        raise errors.bad_request("the body of the request must be an autoscaling/v1 Scale")
    replicas = replicas_of(scale, target.name)
    pinned = mapping(scale.get("metadata")).get("resourceVersion")
    updated = store.patch(sandbox, target.kind, namespace_of(target), target.name,
                          lambda obj: with_replicas(obj, replicas, pinned),
                          dry_run=query.request_dry_run(request, "UpdateOptions"))
    return responses.ok(scale_of(updated, target.kind))


def patch_scale(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    patch_type, body = bodies.decode_patch(request)

    def mutate(obj: Obj) -> Obj:
        patched = apply_patch(scale_of(obj, target.kind), patch_type, body, target.kind)
        pinned = mapping(patched.get("metadata")).get("resourceVersion")
        stale = pinned if pinned != obj["metadata"].get("resourceVersion") else None
        return with_replicas(obj, replicas_of(patched, target.name), stale)

    updated = store.patch(sandbox, target.kind, namespace_of(target), target.name, mutate,
                          dry_run=query.request_dry_run(request, "PatchOptions"))
    return responses.ok(scale_of(updated, target.kind))


def mapping(value: Any) -> dict[str, Any]:
    """A sub-object of a body, or {} when the client sent something else there."""
    return value if isinstance(value, dict) else {}


def named_body(request: HttpRequest, target: Target, kind: str) -> dict[str, Any]:
    """The body of an eviction or binding, whose name, when given, must be the URL's."""
    body = bodies.decode_object(request)
    if not isinstance(body, dict):
        raise errors.bad_request(f"the body of the request must be a {kind} object")
    if mapping(body.get("metadata")).get("name") not in (None, "", target.name):
        raise errors.bad_request(f"name in URL does not match name in {kind} object")
    return body


def evict(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    eviction = named_body(request, target, "Eviction")
    options = query.delete_options(request, eviction.get("deleteOptions"))
    return evict_pod(sandbox, namespace_of(target), target.name, options,
                     options.dry_run or query.request_dry_run(request, "CreateOptions"))


def bind(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    binding = named_body(request, target, "Binding")
    node = mapping(binding.get("target")).get("name")
    if not node or not isinstance(node, str):
        raise errors.invalid("Binding", "", target.name, [Cause("target.name", "Required value", "FieldValueRequired")])

    def assign(pod: Obj) -> Obj:
        current = (pod.get("spec") or {}).get("nodeName")
        if current:
            raise StatusError(409, "Conflict", f'Operation cannot be fulfilled on pods/binding "{target.name}": '
                              f'pod {target.name} is already assigned to node "{current}"',
                              {"name": target.name, "kind": "pods/binding"})
        pod.setdefault("spec", {})["nodeName"] = node
        return pod

    store.patch(sandbox, target.kind, namespace_of(target), target.name, assign,
                dry_run=query.request_dry_run(request, "CreateOptions"))
    return responses.success(code=201)


def finalize(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    namespace = named_body(request, target, "Namespace")
    finalizers = mapping(namespace.get("spec")).get("finalizers")
    if finalizers is not None and not (isinstance(finalizers, list) and all(isinstance(f, str) for f in finalizers)):
        raise errors.bad_request("spec.finalizers must be a list of strings")

    def replace(ns: Obj) -> Obj:
        ns.setdefault("spec", {})["finalizers"] = list(finalizers or [])
        return ns

    updated = store.patch(sandbox, target.kind, "", target.name, replace,
                          dry_run=query.request_dry_run(request, "UpdateOptions"))
    return responses.ok(updated)
