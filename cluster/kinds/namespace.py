"""Namespace: a named scope that divides one cluster into separate groups of objects.

Two objects may share a name when they live in different namespaces. A new namespace gets
the `kubernetes.io/metadata.name` label and phase Active; deleting it moves it to
Terminating while everything inside is deleted, and only then does it go.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, name_of
from cluster.validation import object_meta

SYSTEM = ("default", "kube-system", "kube-public", "kube-node-lease")


def default(ns: Obj) -> None:
    meta = ns.setdefault("metadata", {})
    meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta.get("name", "")
    ns.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    ns.setdefault("status", {}).setdefault("phase", "Active")


def validate(ns: Obj) -> list[Cause]:
    return object_meta(ns, namespaced=False, name_rule="label")


def cells(ns: Obj, now: datetime) -> list[Any]:
    return [name_of(ns), (ns.get("status") or {}).get("phase", "Active"), age(ns, now)]


NAMESPACE = register(Kind(
    group="", version="v1", kind="Namespace", plural="namespaces", namespaced=False, short_names=("ns",),
    subresources=("status", "finalize"), name_rule="label", default=default, validate=validate,
    fields={**base_fields(), "status.phase": lambda ns: str((ns.get("status") or {}).get("phase", ""))},
    columns=(NAME, Column("Status", description="The status of the namespace"), AGE), cells=cells,
))
