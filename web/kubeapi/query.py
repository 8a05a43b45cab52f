"""Query parameters shared by the API's verbs: dryRun, selectors, and the options of a delete.

A delete's options may come from the query string (`?propagationPolicy=Foreground`) or from
a `DeleteOptions` body (what kubectl and the Python client send); the body wins, as on a
real server.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from cluster import errors, selectors
from cluster.errors import Cause
from cluster.kinds import Kind

DRY_RUN_ALL = "All"


def dry_run(values: list[str], options: str) -> bool:
    """`dryRun=All` validates and answers without persisting; any other value is refused."""
    if not values:
        return False
    if all(v == DRY_RUN_ALL for v in values):
        return True
    cause = Cause("dryRun", f'Unsupported value: {values!r}: supported values: "{DRY_RUN_ALL}"',
                  "FieldValueNotSupported")
    raise errors.invalid(options, "meta.k8s.io", "", [cause])


def request_dry_run(request: HttpRequest, options: str) -> bool:
    return dry_run(request.GET.getlist("dryRun"), options)


def label_selector(request: HttpRequest) -> selectors.Selector:
    return selectors.parse_label_selector(request.GET.get("labelSelector"))


def field_selector(request: HttpRequest, kind: Kind) -> tuple[selectors.FieldRequirement, ...]:
    return selectors.parse_field_selector(request.GET.get("fieldSelector"), kind.fields)


@dataclass(frozen=True)
class DeleteOptions:
    propagation: str | None = None
    grace_seconds: int | None = None
    uid: str | None = None
    resource_version: str | None = None
    dry_run: bool = False


def delete_options(request: HttpRequest, body: Any) -> DeleteOptions:
    """Merge the query's options with a DeleteOptions body (which may be None)."""
    if body is not None and not isinstance(body, dict):
        raise errors.bad_request("the request body must be a DeleteOptions object")
    body = body or {}
    query = request.GET
    preconditions = body.get("preconditions") or {}
    if not isinstance(preconditions, dict):
        raise errors.bad_request("preconditions must be an object")
    propagation = body.get("propagationPolicy") or query.get("propagationPolicy")
    orphan = body.get("orphanDependents", _boolean(query.get("orphanDependents")))
    if propagation is None and orphan is not None:
        propagation = "Orphan" if orphan else "Background"
    grace = body.get("gracePeriodSeconds", query.get("gracePeriodSeconds"))
    dry = body.get("dryRun") or query.getlist("dryRun")
    return DeleteOptions(propagation=_text(propagation, "propagationPolicy"), grace_seconds=_integer(grace),
                         uid=_text(preconditions.get("uid"), "preconditions.uid"),
                         resource_version=_text(preconditions.get("resourceVersion"), "preconditions.resourceVersion"),
                         dry_run=dry_run(dry if isinstance(dry, list) else [str(dry)], "DeleteOptions"))


def _boolean(value: str | None) -> bool | None:
    return None if value is None else value.lower() in ("true", "1")


def _text(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise errors.bad_request(f"{name} must be a string")


def _integer(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise errors.bad_request("gracePeriodSeconds must be an integer")
    try:
        return int(value)
    except ValueError:
        raise errors.bad_request(f'gracePeriodSeconds: invalid value "{value}": must be an integer') from None
