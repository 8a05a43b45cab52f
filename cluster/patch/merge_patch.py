"""RFC 7386 JSON merge patch (`kubectl patch --type merge`, `label`, `annotate`, `scale`).

The patch looks like the object: maps merge key by key, `null` removes a key, and anything
else (lists included) replaces what was there. Ten lines, so no library.
"""

from typing import Any

from cluster.objects import Obj, copy
from cluster.patch.errors import wrong_body


def apply_merge_patch(current: Obj, body: Any) -> Obj:
    if not isinstance(body, dict):
        raise wrong_body("map[string]interface {}", body)
    return merge(copy(current), copy(body))


def merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value)
    return result
