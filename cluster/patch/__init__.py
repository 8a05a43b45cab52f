"""Applying a PATCH request's body to an object, in any of the four patch types Kubernetes accepts.

`apply_patch(current, patch_type, body, kind)` returns the patched copy and never touches
`current`. The patch type is the request's Content-Type:

- `application/json-patch+json`: RFC 6902 operations (`cluster.patch.json_patch`);
- `application/merge-patch+json`: RFC 7386 merge patch (`cluster.patch.merge_patch`);
- `application/strategic-merge-patch+json`: Kubernetes' own patch with merge keys and
  directives, what kubectl sends for built-in kinds (`cluster.patch.strategic`);
- `application/apply-patch+yaml`: server-side apply, here an upsert that merges
  (`cluster.patch.server_side_apply`).

The body may be given parsed (dict or list) or raw (bytes or text). Checking that the result
is still a valid object with the same kind, apiVersion and name is the caller's job.
"""

import json
from enum import StrEnum
from typing import Any

from cluster.errors import bad_request
from cluster.kinds import Kind
from cluster.objects import Obj
from cluster.patch import server_side_apply, strategic
from cluster.patch.errors import not_applicable, unsupported_media_type, wrong_body
from cluster.patch.json_patch import apply_json_patch
from cluster.patch.merge_patch import apply_merge_patch
from cluster.patch.schema import root_type


class PatchType(StrEnum):
    JSON = "application/json-patch+json"
    MERGE = "application/merge-patch+json"
    STRATEGIC = "application/strategic-merge-patch+json"
    APPLY = "application/apply-patch+yaml"


def apply_patch(current: Obj, patch_type: str, body: Any, kind: Kind) -> Obj:
    media_type = patch_type.split(";", 1)[0].strip().lower()
    if media_type == PatchType.APPLY:
        return server_side_apply.apply_manifest(current, body, root_type(kind.group, kind.kind))
    if media_type not in set(PatchType):
        raise unsupported_media_type()
    return _apply_json_kind(current, PatchType(media_type), _json(body), kind)


def _apply_json_kind(current: Obj, patch_type: PatchType, body: Any, kind: Kind) -> Obj:
    if patch_type == PatchType.JSON:
        return _as_object(apply_json_patch(current, body))
    if patch_type == PatchType.MERGE:
        return apply_merge_patch(current, body)
    if not isinstance(body, dict):
        raise wrong_body("map[string]interface {}", body)
    return strategic.merge(current, body, root_type(kind.group, kind.kind))


def _json(body: Any) -> Any:
    if not isinstance(body, bytes | str):
        return body
    try:
        return json.loads(body)
    except ValueError as error:
        raise bad_request(f"error decoding patch: {error}") from error


def _as_object(result: Any) -> Obj:
    if not isinstance(result, dict):
        raise not_applicable("the patched document is not an object")
    return result


__all__ = ["PatchType", "apply_patch"]
