"""Request bodies: how big they may be, which media types are understood, and decoding them.

Objects arrive as JSON (also when no Content-Type is sent: the Python client sends none),
YAML, or Kubernetes' protobuf envelope (kubectl's `create <generator>` commands since 1.32).
Patches arrive in one of four patch media types. Anything else is 415, as on a real server,
and a body over 3 MiB is 413. A body that does not parse is a 400 that says why.
"""

import base64
import json
import math
from typing import Any

import yaml
from django.http import HttpRequest

from cluster import errors, quota
from cluster.errors import StatusError
from web.kubeapi import protobuf

MAX_BYTES = quota.LIMITS.request_bytes  # kube-apiserver's limit (3 MiB) unless the quota settings say less
JSON, YAML, PROTOBUF = "application/json", "application/yaml", "application/vnd.kubernetes.protobuf"
OBJECT_TYPES = (JSON, YAML, PROTOBUF)
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, APPLY_PATCH, STRATEGIC_MERGE_PATCH)


def too_large() -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {MAX_BYTES}")


def unsupported(accepted: tuple[str, ...]) -> StatusError:
    return StatusError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                       f"accepted media types include: {', '.join(accepted)}")


def read(request: HttpRequest) -> bytes:
    """The raw body, refusing more than MAX_BYTES whether or not Content-Length says so."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise errors.bad_request("invalid Content-Length") from None
    if declared > MAX_BYTES:
        raise too_large()
    data = request.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_large()
    return data


def media_type(request: HttpRequest) -> str:
    """The Content-Type without parameters; a missing one means JSON."""
    value = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    return value or JSON


def decode_object(request: HttpRequest) -> Any:
    """The object of a create, update or subresource POST."""
    kind = media_type(request)
    if kind not in OBJECT_TYPES:
        raise unsupported(OBJECT_TYPES)
    data = read(request)
    if kind == PROTOBUF:
        return decode_protobuf(data)
    return parse_yaml(data) if kind == YAML else parse_json(data)


def decode_patch(request: HttpRequest) -> tuple[str, Any]:
    """The patch media type and the parsed patch document."""
    kind = media_type(request)
    if kind not in PATCH_TYPES:
        raise unsupported(PATCH_TYPES)
    data = read(request)
    return kind, parse_yaml(data) if kind == APPLY_PATCH else parse_json(data)


def decode_optional(request: HttpRequest) -> Any:
    """A body that may be absent (DeleteOptions): None when empty."""
    data = read(request)
    if not data.strip():
        return None
    if media_type(request) == PROTOBUF:
        return decode_protobuf(data)
    return parse_yaml(data) if media_type(request) == YAML else parse_json(data)


def decode_protobuf(data: bytes) -> Any:
    return protobuf.decode(data)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid number {name}")


def parse_json(data: bytes) -> Any:
    if not data.strip():
        raise errors.bad_request("couldn't get version/kind; json parse error: unexpected end of JSON input")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise errors.bad_request(f"couldn't get version/kind; json parse error: {error}") from None


class _Loader(yaml.SafeLoader):
    """YAML as Kubernetes reads it: timestamps stay strings (sigs.k8s.io/yaml does the same)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(data: bytes) -> Any:
    try:
        loaded = yaml.load(data.decode("utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise errors.bad_request(f"error converting YAML to JSON: {' '.join(str(error).split())}") from None
    if loaded is None:
        raise errors.bad_request("couldn't get version/kind; json parse error: unexpected end of JSON input")
    return as_json(loaded)


MAX_NODES = 200_000  # YAML aliases can expand a small document enormously ("billion laughs")


def as_json(value: Any) -> Any:
    """YAML values JSON has no word for: keys become strings, binary becomes base64, NaN is refused."""
    budget = [MAX_NODES]
    try:
        return _as_json(value, budget)
    except RecursionError:
        raise errors.bad_request("error converting YAML to JSON: the document is nested too deeply") from None


def _as_json(value: Any, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise errors.bad_request("error converting YAML to JSON: the document expands to too many values")
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _as_json(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v, budget) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, float) and not math.isfinite(value):
        raise errors.bad_request(f"error converting YAML to JSON: unsupported value: {value}")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise errors.bad_request(f"error converting YAML to JSON: unsupported value: {value!r}")
