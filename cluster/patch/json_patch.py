"""RFC 6902 JSON patch (`kubectl patch --type json`, `rollout undo`), through the `jsonpatch` package.

A patch is a list of operations (`add`, `remove`, `replace`, `move`, `copy`, `test`) on JSON
pointers. A list that is not a valid patch is the client's mistake (400); a valid patch that
does not apply to this object (a failing `test`, a path that is not there) is a 422.
"""

from typing import Any

import jsonpatch
import jsonpointer

from cluster.errors import bad_request
from cluster.objects import Obj, copy
from cluster.patch.errors import not_applicable, wrong_body


def apply_json_patch(current: Obj, body: Any) -> Any:
    if not isinstance(body, list):
        raise wrong_body("jsonpatch.Patch", body)
    try:
        patch = jsonpatch.JsonPatch(body)
    except jsonpatch.InvalidJsonPatch as error:
        raise bad_request(str(error)) from error
    try:
        return patch.apply(copy(current))
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, KeyError) as error:
        raise not_applicable(str(error)) from error
