"""Helpers for Kubernetes objects as the store keeps them: plain JSON dicts.

Controllers read these dicts and never modify them in place (they are shared with the
round's state); to change an object they `copy()` it first, as Kubernetes' controllers
DeepCopy what they read from the informer cache.
"""

import copy as _copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]


@dataclass(frozen=True)
class Ref:
    """Names one object: its kind, namespace and name, and optionally the uid it must still have."""

    group: str
    kind: str
    namespace: str
    name: str
    uid: str = ""

    @classmethod
    def to(cls, obj: Obj) -> "Ref":
        group, _ = split_api_version(obj.get("apiVersion", "v1"))
        m = obj.get("metadata", {})
        return cls(group, obj.get("kind", ""), m.get("namespace", ""), m.get("name", ""), m.get("uid", ""))

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.group, self.kind, self.namespace, self.name)


def copy(obj: Obj) -> Obj:
    """A deep copy of a JSON document; several times faster than `copy.deepcopy`, which a
    reconcile round calls thousands of times."""
    return _clone(obj)  # type: ignore[no-any-return]


def _clone(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return _copy.deepcopy(value)  # not JSON (a datetime a test put in): copy it the slow, general way


def split_api_version(api_version: str) -> tuple[str, str]:
    """`apps/v1` -> ("apps", "v1"); `v1` -> ("", "v1")."""
    if "/" in api_version:
        group, version = api_version.split("/", 1)
        return group, version
    return "", api_version


def meta(obj: Obj) -> dict[str, Any]:
    m: dict[str, Any] = obj.setdefault("metadata", {})
    return m


def name_of(obj: Obj) -> str:
    return str(obj.get("metadata", {}).get("name", ""))


def namespace_of(obj: Obj) -> str:
    return str(obj.get("metadata", {}).get("namespace", ""))


def uid_of(obj: Obj) -> str:
    return str(obj.get("metadata", {}).get("uid", ""))


def labels_of(obj: Obj) -> dict[str, str]:
    labels: dict[str, str] = obj.get("metadata", {}).get("labels") or {}
    return labels


def annotations_of(obj: Obj) -> dict[str, str]:
    annotations: dict[str, str] = obj.get("metadata", {}).get("annotations") or {}
    return annotations


def is_terminating(obj: Obj) -> bool:
    return bool(obj.get("metadata", {}).get("deletionTimestamp"))


def controller_ref(obj: Obj) -> dict[str, Any] | None:
    """The ownerReference with `controller: true`, the one object that manages this one."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return dict(ref)
    return None


def is_controlled_by(obj: Obj, owner: Obj) -> bool:
    ref = controller_ref(obj)
    return ref is not None and ref.get("uid") == uid_of(owner)


def owner_reference(owner: Obj, *, controller: bool = True) -> dict[str, Any]:
    """The ownerReference a controller puts on what it creates, as Kubernetes builds it."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": name_of(owner),
        "uid": uid_of(owner),
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def rfc3339(moment: datetime) -> str:
    """Kubernetes' timestamp form: UTC, whole seconds, a trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def condition(obj: Obj, kind: str) -> dict[str, Any] | None:
    for cond in obj.get("status", {}).get("conditions") or []:
        if cond.get("type") == kind:
            return dict(cond)
    return None


def set_condition(status: dict[str, Any], new: dict[str, Any]) -> None:
    """Put `new` into status.conditions, keeping lastTransitionTime when the status did not flip."""
    conditions = status.setdefault("conditions", [])
    for i, old in enumerate(conditions):
        if old.get("type") == new["type"]:
            if old.get("status") == new.get("status") and "lastTransitionTime" in old:
                new = {**new, "lastTransitionTime": old["lastTransitionTime"]}
            conditions[i] = new
            return
    conditions.append(new)
