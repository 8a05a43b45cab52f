"""What the API server does to an object between receiving it and storing it.

Pure functions, no database: strip what clients may not set (uid, resourceVersion, ...),
name it from `generateName`, fill in the kind's defaults, validate, and decide whether the
change touches the desired state (which bumps `metadata.generation`). The store calls these
on every write, whoever makes it, so objects from controllers are held to the same rules
as objects from learners.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cluster import errors
from cluster.errors import Cause
from cluster.kinds import Kind
from cluster.objects import Obj, copy, rfc3339

SERVER_SET = ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
              "generation", "selfLink", "managedFields")
# The alphabet Kubernetes draws generated name suffixes from: no vowels, no look-alikes.
SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
MAX_DEPTH = 40


def generated_name(prefix: str, seed: str) -> str:
    """`web-` -> `web-x7k2p`. Deterministic in `seed`, so two sandboxes replaying the same steps agree."""
    digest = hashlib.sha256(f"{prefix}/{seed}".encode()).digest()
    return prefix + "".join(SUFFIX_ALPHABET[b % len(SUFFIX_ALPHABET)] for b in digest[:5])


def depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((depth(v, level + 1) for v in value), default=level + 1)
    return level


def check_shape(kind: Kind, obj: Any) -> None:
    """Reject what is not an object at all, before any kind-specific code looks at it."""
    if not isinstance(obj, dict):
        raise errors.bad_request("the request body must be a JSON or YAML object")
    if depth(obj) > MAX_DEPTH:
        raise errors.bad_request(f"the object is nested more than {MAX_DEPTH} levels deep")
    for key in ("spec", "status"):
        if obj.get(key) is not None and not isinstance(obj[key], dict):
            raise errors.bad_request(f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
                                     f"json: cannot unmarshal {type(obj[key]).__name__} into Go struct field "
                                     f"{kind.kind}.{key}")
    if not isinstance(obj.get("metadata", {}), dict):
        raise errors.bad_request(f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
                                 "json: cannot unmarshal metadata into Go struct field of type v1.ObjectMeta")


def prepare_create(kind: Kind, obj: Obj, *, namespace: str, name_seed: str, keep_status: bool = False,
                   uid: str = "") -> Obj:
    """Steps 1-4 of a create: copy, strip server-set fields, name, default. Raises Invalid.

    The uid is assigned before defaulting because some defaults derive from it (a Job's selector).
    """
    check_shape(kind, obj)
    new = _without_null_sections(copy(obj))
    meta = new.setdefault("metadata", {})
    for key in SERVER_SET:
        meta.pop(key, None)
    new["apiVersion"], new["kind"] = kind.api_version, kind.kind
    if kind.namespaced:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    if uid:
        meta["uid"] = uid
    if not meta.get("name") and isinstance(meta.get("generateName"), str) and meta["generateName"]:
        meta["name"] = generated_name(meta["generateName"], name_seed)
    if not keep_status and "status" in kind.subresources:
        new.pop("status", None)
    _drop_nulls(meta)
    kind.default(new)
    raise_if_invalid(kind, new)
    return new


def prepare_update(kind: Kind, old: Obj, new: Obj, *, subresource: str = "",
                   existing: Callable[[], list[Obj]] = list) -> Obj:
    """A PUT: keep what the client may not change, default, validate, bump generation on a spec change.

    `subresource` is "" for the object itself (its status is kept as stored), "status" for the status
    subresource (only the status changes), or "*" for a controller, which owns both.
    """
    check_shape(kind, new)
    merged = _without_null_sections(copy(new))
    if subresource == "status":
        merged = {**copy(old), "status": copy(new.get("status") or {})}
    elif subresource == "" and "status" in kind.subresources and "status" in old:
        merged["status"] = copy(old["status"])
    meta, old_meta = merged.setdefault("metadata", {}), old["metadata"]
    for key in SERVER_SET:
        if key in old_meta:
            meta[key] = old_meta[key]
        else:
            meta.pop(key, None)
    meta["name"], merged["apiVersion"], merged["kind"] = old_meta["name"], kind.api_version, kind.kind
    if kind.namespaced:
        meta["namespace"] = old_meta.get("namespace", "")
    _drop_nulls(meta)
    kind.default(merged)
    if kind.reallocate is not None and subresource != "status":
        # Before validation: keeping or releasing allocated values (a Service's nodePorts when its
        # type changes) decides what is valid, as the API server's PrepareForUpdate does.
        kind.reallocate(old, merged, existing())
    raise_if_invalid(kind, merged)
    if kind.validate_update is not None and subresource == "":
        causes = kind.validate_update(old, merged)
        if causes:
            raise errors.invalid(kind.kind, kind.group, str(meta.get("name", "")), causes)
    if kind.has_spec and desired_state(kind, merged) != desired_state(kind, old):
        meta["generation"] = int(old_meta.get("generation", 1)) + 1
    return merged


def desired_state(kind: Kind, obj: Obj) -> Any:
    """The part whose change is a new generation: everything but metadata and status.

    A pod's binding to a node is the scheduler's doing, not a new desired state, so
    `spec.nodeName` does not count (a real API server binds through a subresource).
    """
    state = {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}
    if kind.kind == "Pod" and isinstance(state.get("spec"), dict):
        state["spec"] = {k: v for k, v in state["spec"].items() if k != "nodeName"}
    return state


def stamp_new(obj: Obj, *, uid: str, now: datetime) -> None:
    meta = obj["metadata"]
    meta["uid"] = uid
    meta["creationTimestamp"] = rfc3339(now)
    meta["generation"] = 1


def raise_if_invalid(kind: Kind, obj: Obj) -> None:
    causes: list[Cause] = kind.validate(obj)
    if causes:
        name = str(obj.get("metadata", {}).get("name") or "")
        raise errors.invalid(kind.kind, kind.group, name, causes)


def _without_null_sections(obj: Obj) -> Obj:
    """`spec: null` means "no spec given", as Go's decoder reads it."""
    for key in ("spec", "status"):
        if key in obj and obj[key] is None:
            del obj[key]
    return obj


def _drop_nulls(meta: dict[str, Any]) -> None:
    """Clients send `creationTimestamp: null` and empty maps; a real server drops them."""
    for key in [k for k, v in meta.items() if v is None]:
        del meta[key]
