"""LimitRange and ResourceQuota: a namespace's rules for how much its pods may ask for.

A LimitRange sets per-container bounds and the defaults that admission fills into containers
that state no requests or limits. A ResourceQuota caps the namespace's total (`requests.cpu`,
`limits.memory`, `pods`, ...); its status tracks `hard` and `used`, and creates that would
exceed it are refused.
"""

from datetime import datetime
from typing import Any

from cluster import quantities
from cluster.errors import Cause
from cluster.kinds import Kind, plain, register
from cluster.kinds.pod import normalize_resources
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, name_of
from cluster.validation import invalid_value, object_meta, required, unsupported_value

LIMIT_TYPES = ["Container", "PersistentVolumeClaim", "Pod"]
LIMIT_SECTIONS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")


def default_limit_range(lr: Obj) -> None:
    for item in (lr.get("spec") or {}).get("limits") or []:
        if isinstance(item, dict):
            stringify(item, LIMIT_SECTIONS)
            if item.get("type") == "Container":
                default_container_item(item)


def default_container_item(item: dict[str, Any]) -> None:
    """Kubernetes' chain: the default limit falls back to max, the default request to the default
    limit, then to min. Empty maps are dropped, as the API never shows them."""
    default, request = dict(item.get("default") or {}), dict(item.get("defaultRequest") or {})
    for key, value in (item.get("max") or {}).items():
        default.setdefault(key, value)
    for source in (default, item.get("min") or {}):
        for key, value in source.items():
            request.setdefault(key, value)
    for key, values in (("default", default), ("defaultRequest", request)):
        if values:
            item[key] = values


def stringify(holder: dict[str, Any], sections: tuple[str, ...]) -> None:
    """YAML's `cpu: 1` arrives as a number; quantities always come back as strings."""
    for section in sections:
        normalize_resources({"requests": holder.get(section)})


def validate_limit_range(lr: Obj) -> list[Cause]:
    causes = object_meta(lr, namespaced=True)
    limits = (lr.get("spec") or {}).get("limits")
    if not isinstance(limits, list):
        return [*causes, required("spec.limits")]
    for i, item in enumerate(limits):
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in LIMIT_TYPES:
            causes.append(unsupported_value(f"spec.limits[{i}].type", kind, LIMIT_TYPES))
            continue
        causes += quantity_causes(item, f"spec.limits[{i}]", LIMIT_SECTIONS)
    return causes


def quantity_causes(holder: dict[str, Any], path: str, sections: tuple[str, ...]) -> list[Cause]:
    causes: list[Cause] = []
    for section in sections:
        for key, value in (holder.get(section) or {}).items():
            try:
                quantities.parse(value)
            except quantities.QuantityError as error:
                causes.append(invalid_value(f"{path}.{section}[{key}]", str(value), str(error)))
    return causes


def default_quota(quota: Obj) -> None:
    stringify(quota.setdefault("spec", {}), ("hard",))
    quota.setdefault("status", {})


def validate_quota(quota: Obj) -> list[Cause]:
    causes = object_meta(quota, namespaced=True)
    spec = quota.get("spec")
    return causes + (quantity_causes(spec, "spec", ("hard",)) if isinstance(spec, dict) else [])


def quota_columns_text(quota: Obj) -> tuple[str, str]:
    """`requests.cpu: 500m/2, pods: 3/10` and `limits.memory: 1Gi/4Gi`: used/hard, sorted by name."""
    status = quota.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        column = limits if resource.split(".")[0] == "limits" and "." in resource else requests
        column.append(f"{resource}: {used.get(resource, '0')}/{hard[resource]}")
    return ", ".join(requests), ", ".join(limits)


def quota_cells(quota: Obj, now: datetime) -> list[Any]:
    requests, limits = quota_columns_text(quota)
    return [name_of(quota), requests, limits, age(quota, now)]


LIMIT_RANGE = register(Kind(
    group="", version="v1", kind="LimitRange", plural="limitranges", short_names=("limits",),
    default=default_limit_range, validate=validate_limit_range, columns=plain.COLUMNS, cells=plain.cells,
))
RESOURCE_QUOTA = register(Kind(
    group="", version="v1", kind="ResourceQuota", plural="resourcequotas", short_names=("quota",),
    subresources=("status",), default=default_quota, validate=validate_quota,
    columns=(NAME, Column("Request", description="Request represents a minimum amount of cpu/memory that a container "
                          "may consume."),
             Column("Limit", description="Limits control the maximum amount of cpu/memory that a container may use "
                    "independent of contention on the node."), AGE),
    cells=quota_cells,
))
