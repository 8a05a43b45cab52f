"""Server-side printing: the `Table` that `kubectl get` asks for and prints as is.

kubectl does not know which columns a Pod or a Deployment has: it sends
`Accept: application/json;as=Table;v=v1;g=meta.k8s.io, ...` and prints the `meta.k8s.io/v1`
Table the API server returns. A Table has the kind's `columnDefinitions` (columns with
priority 1 show only with `-o wide`) and one row per object, whose `cells` are already
rendered (AGE is "5m", not a timestamp). Each row also carries the object, as much as the
`includeObject` query parameter asks for: `Metadata` (the default) sends a
`PartialObjectMetadata` holding the whole `metadata` (kubectl reads the NAMESPACE column and
`--show-labels` from it), `Object` the object itself (`--sort-by`), `None` nothing.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster import errors
from cluster.kinds import Kind
from cluster.objects import Obj

TABLE_API_VERSION = "meta.k8s.io/v1"
# The Table versions kubectl accepts, in the order its Accept header lists them.
TABLE_VERSIONS = ("v1", "v1beta1")


class IncludeObject(StrEnum):
    """`?includeObject=`: how much of each object a row carries."""

    NONE = "None"
    METADATA = "Metadata"
    OBJECT = "Object"


def wants_table(accept: str) -> bool:
    """True when one of the Accept header's media types asks for a `meta.k8s.io` Table."""
    return any(_is_table(media_type) for media_type in accept.split(","))


def _is_table(media_type: str) -> bool:
    params = _params(media_type)
    return (params.get("as") == "Table" and params.get("g", "meta.k8s.io") == "meta.k8s.io"
            and params.get("v", "v1") in TABLE_VERSIONS)


def _params(media_type: str) -> dict[str, str]:
    """`application/json;as=Table;v=v1` -> {"as": "Table", "v": "v1"}."""
    pairs = (part.split("=", 1) for part in media_type.split(";")[1:] if "=" in part)
    return {key.strip(): value.strip().strip('"') for key, value in pairs}


def parse_include_object(value: str | None) -> IncludeObject:
    """Parse `?includeObject=`: unset means Metadata; anything unknown is a 400, worded as Kubernetes does."""
    if not value:
        return IncludeObject.METADATA
    try:
        return IncludeObject(value)
    except ValueError:
        raise errors.bad_request(f'includeObject: Invalid value: "{value}": '
                                 "must be 'Metadata', 'Object', 'None', or empty") from None


def table(kind: Kind, objects: list[Obj], now: datetime, *, include_object: str = "Metadata",
          resource_version: str = "") -> dict[str, Any]:
    """A `meta.k8s.io/v1` Table of `objects`, one row each, with the kind's columns."""
    include = parse_include_object(include_object)
    return {
        "kind": "Table",
        "apiVersion": TABLE_API_VERSION,
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": column_definitions(kind),
        "rows": [row(kind, obj, now, include) for obj in objects],
    }


def column_definitions(kind: Kind) -> list[dict[str, Any]]:
    return [column.to_dict() for column in kind.columns]


def row(kind: Kind, obj: Obj, now: datetime, include: IncludeObject = IncludeObject.METADATA) -> dict[str, Any]:
    result: dict[str, Any] = {"cells": kind.cells(obj, now)}
    if include is IncludeObject.METADATA:
        result["object"] = partial_object_metadata(obj)
    elif include is IncludeObject.OBJECT:
        result["object"] = obj
    return result


def partial_object_metadata(obj: Obj) -> dict[str, Any]:
    """What `includeObject=Metadata` puts in a row: the object's full metadata and nothing else."""
    return {"kind": "PartialObjectMetadata", "apiVersion": TABLE_API_VERSION, "metadata": obj.get("metadata", {})}


def watch_table(kind: Kind, obj: Obj, now: datetime, include: IncludeObject, *, headers: bool) -> dict[str, Any]:
    """The one-row Table a Table watch sends for each event.

    Like the real API server, only the first event of a stream carries the column
    definitions (`null` afterwards): kubectl remembers them from the first table it prints.
    """
    one = table(kind, [obj], now, include_object=include.value,
                resource_version=str(obj.get("metadata", {}).get("resourceVersion", "")))
    if not headers:
        one["columnDefinitions"] = None
    return one
