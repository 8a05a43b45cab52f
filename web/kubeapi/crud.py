"""The verbs on objects of any registered kind: list, get, create, update, patch, delete.

Each handler is synchronous (the store's transactions run in one thread) and does three
things: read the request (body, query), call `cluster.store`, and present the answer in the
shape a real API server gives. Kind-specific behaviour lives in `cluster.kinds` and the
store, not here.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from cluster import errors, store
from cluster.models import Sandbox
from cluster.objects import Obj, copy, name_of
from cluster.objects import namespace_of as namespace_of_object
from cluster.patch import PatchType, apply_patch
from web.kubeapi import bodies, conversion, fieldvalidation, query, responses
from web.kubeapi.paths import Target
from web.kubeapi.presenting import object_list, present_list, present_object

# Kinds whose delete answers with the deleted object rather than a Status (ReturnDeletedObject
# in kube-apiserver's registry); every kind answers with the object while it is still terminating.
RETURNS_DELETED_OBJECT = {("", "Pod"), ("", "Namespace"), ("", "ServiceAccount"), ("", "Service"),
                          ("", "PersistentVolume"), ("", "PersistentVolumeClaim"), ("storage.k8s.io", "StorageClass")}


def namespace_of(target: Target) -> str:
    return target.namespace or ""


def checked_body(body: Any, target: Target) -> Obj:
    """The body of a create or update, checked against the URL it was sent to."""
    if not isinstance(body, dict):
        raise errors.bad_request(f"the body of the request must be a {target.kind.kind} object")
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if api_version and api_version != target.api_version:
        raise errors.bad_request(f"the API version in the data ({api_version}) does not match the expected "
                                 f"API version ({target.api_version})")
    if kind and kind != target.kind.kind:
        raise errors.bad_request(f"the kind in the data ({kind}) does not match the expected kind "
                                 f"({target.kind.kind})")
    metadata = body.get("metadata")
    body_namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    if target.kind.namespaced and body_namespace and body_namespace != target.namespace:
        raise errors.bad_request("the namespace of the provided object does not match the namespace sent on the "
                                 "request")
    return {**body, "apiVersion": target.api_version, "kind": target.kind.kind}


def validated(request: HttpRequest, obj: Obj, target: Target, options: str) -> list[str]:
    """Apply `fieldValidation` to `obj` in place; the warnings to send back."""
    chosen = fieldvalidation.policy(request.GET.get("fieldValidation"), options)
    return fieldvalidation.enforce(obj, target.kind, target.api_version, chosen)


# --- reads --------------------------------------------------------------------------------

def list_objects(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    items, rv = store.list_objects(sandbox, target.kind, target.namespace, query.label_selector(request),
                                   query.field_selector(request, target.kind))
    return present_list(request, sandbox, target, items, rv)


def get(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    obj = store.get(sandbox, target.kind, namespace_of(target), target.name)
    return present_object(request, sandbox, target, obj)


# --- writes -------------------------------------------------------------------------------

def create(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    obj = checked_body(bodies.decode_object(request), target)
    warnings = validated(request, obj, target, "CreateOptions")
    obj = conversion.to_storage(target, obj)
    created = store.create(sandbox, obj, kind=target.kind, namespace=namespace_of(target),
                           dry_run=query.request_dry_run(request, "CreateOptions"))
    return present_object(request, sandbox, target, created, 201, warnings)


def update(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    obj = checked_body(bodies.decode_object(request), target)
    warnings = validated(request, obj, target, "UpdateOptions")
    obj = conversion.to_storage(target, obj)
    updated = store.update(sandbox, target.kind, namespace_of(target), target.name, obj,
                           subresource=target.subresource, dry_run=query.request_dry_run(request, "UpdateOptions"))
    return present_object(request, sandbox, target, updated, 200, warnings)


def patch(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    patch_type, body = bodies.decode_patch(request)
    dry_run = query.request_dry_run(request, "PatchOptions")
    if patch_type == PatchType.APPLY and not target.subresource and not exists(sandbox, target):
        return apply_create(request, sandbox, target, body, dry_run)
    warnings: list[str] = []
    patched = store.patch(sandbox, target.kind, namespace_of(target), target.name,
                          patcher(request, target, patch_type, body, warnings),
                          subresource=target.subresource, dry_run=dry_run)
    return present_object(request, sandbox, target, patched, 200, warnings)


def patcher(request: HttpRequest, target: Target, patch_type: str, body: Any,
            warnings: list[str]) -> Callable[[Obj], Obj]:
    def mutate(current: Obj) -> Obj:
        patched = apply_patch(conversion.to_client(target, current), patch_type, body, target.kind)
        warnings[:] = validated(request, patched, target, "PatchOptions")
        return conversion.to_storage(target, patched)
    return mutate


def exists(sandbox: Sandbox, target: Target) -> bool:
    try:
        store.get(sandbox, target.kind, namespace_of(target), target.name)
    except errors.StatusError as error:
        if error.code == 404:
            return False
        raise
    return True


def apply_create(request: HttpRequest, sandbox: Sandbox, target: Target, body: Any, dry_run: bool) -> HttpResponse:
    """Server-side apply of a missing object creates it, named as the URL says."""
    obj = checked_body(body, target)
    metadata = obj.setdefault("metadata", {})
    if not isinstance(metadata, dict):
        raise errors.bad_request("metadata must be an object")
    if metadata.get("name") not in (None, target.name):
        raise errors.bad_request(f"the name of the object ({metadata['name']}) does not match the name on the URL "
                                 f"({target.name})")
    metadata["name"] = target.name
    warnings = validated(request, obj, target, "PatchOptions")
    obj = conversion.to_storage(target, obj)
    created = store.create(sandbox, obj, kind=target.kind, namespace=namespace_of(target), dry_run=dry_run)
    return present_object(request, sandbox, target, created, 201, warnings)


# --- deletes ------------------------------------------------------------------------------

def delete(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    options = query.delete_options(request, bodies.decode_optional(request))
    result = delete_one(sandbox, target, namespace_of(target), target.name, options)
    removed = not result["metadata"].get("deletionTimestamp") if options.dry_run else not exists(sandbox, target)
    if removed and (target.kind.group, target.kind.kind) not in RETURNS_DELETED_OBJECT:
        details = {"name": target.name, "group": target.kind.group, "kind": target.kind.plural,
                   "uid": result["metadata"].get("uid", "")}
        return responses.success(details)
    return responses.ok(result)


def delete_one(sandbox: Sandbox, target: Target, namespace: str, name: str, options: query.DeleteOptions) -> Obj:
    return store.delete(sandbox, target.kind, namespace, name, propagation=options.propagation,
                        grace_seconds=options.grace_seconds, uid=options.uid,
                        resource_version=options.resource_version, dry_run=options.dry_run)


def delete_collection(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponse:
    """Delete every object the selectors match; the answer lists them, as kube-apiserver's does."""
    options = query.delete_options(request, bodies.decode_optional(request))
    items, rv = store.list_objects(sandbox, target.kind, target.namespace, query.label_selector(request),
                                   query.field_selector(request, target.kind))
    deleted = []
    for item in items:
        try:
            deleted.append(delete_one(sandbox, target, namespace_of_object(item), name_of(item), options))
        except errors.StatusError as error:
            if error.code != 404:  # gone meanwhile (a controller or the garbage collector): fine
                raise
    return responses.ok(object_list(target.kind, target, [copy(o) for o in deleted], rv))
