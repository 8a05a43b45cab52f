"""What the cluster knows about each kind of object.

A `Kind` bundles, for one resource type, everything that is not the controllers' business:
its place in the API (group, version, plural, short names, categories, subresources), the
defaults the API server fills in, its validation, the field selectors it supports, and the
columns `kubectl get` prints for it. The store and the API consult this registry; adding a
kind means adding one module here and listing it in `_MODULES`.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds.printing import Column, default_cells, default_columns
from cluster.objects import Obj, name_of, namespace_of

Defaulter = Callable[[Obj], None]
Validator = Callable[[Obj], list[Cause]]
FieldGetter = Callable[[Obj], str]
# Called on create with the sandbox's existing objects of the same kind, to hand out what
# must be unique across them (a Service's clusterIP and nodePorts). Raises StatusError.
Allocator = Callable[[Obj, list[Obj]], None]
# Called on update with the stored object, the new one (admitted, defaulted) and the sandbox's
# objects of the same kind: keeps what was allocated, hands out what the change newly needs.
Reallocator = Callable[[Obj, Obj, list[Obj]], None]


def no_defaults(obj: Obj) -> None:
    return None


def no_validation(obj: Obj) -> list[Cause]:
    return []


def base_fields() -> dict[str, FieldGetter]:
    return {"metadata.name": name_of, "metadata.namespace": namespace_of}


@dataclass(frozen=True)
class Kind:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    # Subresources served besides the object itself: "status", "scale", "log", "eviction", ...
    subresources: tuple[str, ...] = ()
    # Other versions served for this kind (newest first, the preferred one in `version`).
    other_versions: tuple[str, ...] = ()
    # Objects whose desired state is not under `spec` (ConfigMap's `data`, Secret's `data`):
    # there `generation` never moves, as on a real cluster.
    has_spec: bool = True
    name_rule: str = "subdomain"
    default: Defaulter = no_defaults
    validate: Validator = no_validation
    fields: dict[str, FieldGetter] = field(default_factory=base_fields)
    columns: tuple[Column, ...] = default_columns()
    cells: Callable[[Obj, datetime], list[Any]] = default_cells
    allocate: Allocator | None = None
    reallocate: Reallocator | None = None
    # Checks that need the stored object too: what a user's update may not change (a pod's spec).
    validate_update: Callable[[Obj, Obj], list[Cause]] | None = None
    verbs: tuple[str, ...] = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version, *self.other_versions)


_MODULES = (
    "namespace", "node", "pod", "replicaset", "event", "lease", "config",
    "service", "endpoints", "replicationcontroller", "storage", "quota", "podtemplate",
    "deployment", "statefulset", "daemonset", "controllerrevision", "job", "cronjob", "hpa",
    "networking", "pdb", "rbac", "priorityclass",
)

_BY_PLURAL: dict[tuple[str, str], Kind] = {}
_BY_KIND: dict[tuple[str, str], Kind] = {}


def register(kind: Kind) -> Kind:
    _BY_PLURAL[(kind.group, kind.plural)] = kind
    _BY_KIND[(kind.group, kind.kind)] = kind
    return kind


def _load() -> None:
    for module in _MODULES:
        importlib.import_module(f"cluster.kinds.{module}")


def all_kinds() -> list[Kind]:
    return list(_BY_PLURAL.values())


def by_plural(group: str, plural: str) -> Kind | None:
    return _BY_PLURAL.get((group, plural))


def by_kind(group: str, kind: str) -> Kind | None:
    return _BY_KIND.get((group, kind))


def for_object(obj: Obj) -> Kind | None:
    api_version = str(obj.get("apiVersion", ""))
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    return by_kind(group, str(obj.get("kind", "")))


_load()
