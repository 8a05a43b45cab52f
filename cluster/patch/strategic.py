"""Kubernetes' strategic merge patch (SMP), the patch `kubectl apply`, `edit` and `set` send.

It is a JSON merge patch (maps merge key by key, `null` deletes a key) that knows each list's
patch strategy (see `cluster.patch.schema`): lists with a merge key are merged element by
element, lists of scalars with the merge strategy are merged as sets, other lists are
replaced. Directives, all keys starting with `$`, refine it:

- `{"$patch": "replace"}` in a map replaces the map; `{"$patch": "delete"}` empties it;
- `{"$patch": "delete", <mergeKey>: v}` in a list removes that element; an element
  `{"$patch": "replace"}` makes the rest of the patch list the whole list;
- `"$retainKeys": [...]` drops the live map's keys not listed (a Deployment's `strategy`);
- `"$setElementOrder/<list>": [...]` gives the final order of a merged list;
- `"$deleteFromPrimitiveList/<list>": [...]` removes values from a merged list of scalars.

The algorithm follows apimachinery's `strategicpatch.mergeMap`, including its ordering: an
element the patch adds goes before the live elements unless `$setElementOrder` says
otherwise. One deliberate difference: where the live object lacks a field, Kubernetes copies
the patch value verbatim, directives and all; here it is merged into an empty value, so no
`$patch` key is ever stored.
"""

import copy
from collections.abc import Callable, Hashable
from typing import Any

from cluster.errors import StatusError, bad_request
from cluster.patch.errors import go_repr, unclassified
from cluster.patch.schema import Field, Strategy, field_of

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ELEMENT_ORDER = "$setElementOrder/"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/"
REPLACE, DELETE, MERGE = "replace", "delete", "merge"

Json = dict[str, Any]
KeyOf = Callable[[Any], Hashable]


def merge(original: Json, patch: Json, type_name: str) -> Json:
    """`original` with `patch` applied; works on its own copies of both."""
    return merge_map(copy.deepcopy(original), copy.deepcopy(patch), type_name)


def merge_map(original: Json, patch: Json, type_name: str) -> Json:
    if DIRECTIVE in patch:
        directive = patch.pop(DIRECTIVE)
        if directive == REPLACE:
            return merge_map({}, patch, type_name)
        if directive == DELETE:
            return {}
        if directive != MERGE:
            raise unclassified(f"unknown patch type: {directive} in map: {go_repr(patch)}")
    _retain_keys(original, patch)
    _set_element_orders(original, patch, type_name)
    for key, value in patch.items():
        if key.startswith(DELETE_FROM_PRIMITIVE_LIST):
            _delete_from_primitive_list(original, key.removeprefix(DELETE_FROM_PRIMITIVE_LIST), value)
        else:
            _merge_field(original, key, value, field_of(type_name, key))
    return original


def _merge_field(original: Json, key: str, value: Any, field: Field) -> None:
    if value is None:
        original.pop(key, None)
    elif isinstance(value, dict):
        live = original.get(key)
        original[key] = merge_map(live if isinstance(live, dict) else {}, value, field.type)
    elif isinstance(value, list):
        live = original.get(key)
        original[key] = merge_list(live if isinstance(live, list) else [], value, field)
    else:
        original[key] = value


def merge_list(original: list[Any], patch: list[Any], field: Field) -> list[Any]:
    if field.strategy != Strategy.MERGE:
        return patch
    if any(isinstance(item, list) for item in original + patch):
        raise StatusError(422, "Invalid", "lists of lists are not supported")
    if field.merge_key:
        return _merge_keyed(original, patch, field)
    return _merge_scalars(original, patch)


def _merge_keyed(original: list[Any], patch: list[Any], field: Field) -> list[Any]:
    key = field.merge_key
    items, original, replace = _apply_special_elements(original, patch, key)
    if replace:
        return [merge_map({}, item, field.type) for item in items]
    merged = list(original)
    for item in items:
        at = _index(merged, _hashable(_key_value(item, key)), _by(key))
        if at is None:
            merged.append(merge_map({}, item, field.type))
        else:
            merged[at] = merge_map(merged[at], item, field.type)
    return _normalize(merged, items, original, _by(key))


def _apply_special_elements(original: list[Any], patch: list[Any], key: str) -> tuple[list[Json], list[Any], bool]:
    """Split `$patch` elements from the rest: deletions applied to `original`, `replace` reported."""
    items: list[Json] = []
    replace = False
    for item in patch:
        if not isinstance(item, dict):
            raise unclassified(f"value for key {key} is not a map.")
        directive = item.get(DIRECTIVE)
        if directive is None:
            items.append(item)
        elif directive == DELETE:
            value = _key_value(item, key)
            original = [live for live in original if not (isinstance(live, dict) and live.get(key) == value)]
        elif directive == REPLACE:
            replace = True
        elif directive == MERGE:
            raise unclassified("merging lists cannot yet be specified in the patch")
        else:
            raise unclassified(f"unknown patch type: {directive} in map: {go_repr(item)}")
    return items, original, replace


def _merge_scalars(original: list[Any], patch: list[Any]) -> list[Any]:
    merged = list(original)
    for value in patch:
        if value not in merged:
            merged.append(value)
    return _normalize(merged, patch, original, _itself)


def _normalize(merged: list[Any], patch_order: list[Any], live_order: list[Any], key_of: KeyOf) -> list[Any]:
    """Kubernetes' element order: patch elements in patch order, live-only ones in live order, interleaved."""
    wanted = [key_of(item) for item in patch_order]
    from_patch = sorted((m for m in merged if key_of(m) in wanted), key=lambda m: wanted.index(key_of(m)))
    live_only = [m for m in merged if key_of(m) not in wanted]
    return _interleave(live_only, from_patch, [key_of(item) for item in live_order], key_of)


def _interleave(live_only: list[Any], from_patch: list[Any], live_keys: list[Hashable], key_of: KeyOf) -> list[Any]:
    """apimachinery's mergeSortedSlice: a live element goes first only if both are live and it came first."""
    result: list[Any] = []
    i = j = 0
    while i < len(live_only) or j < len(from_patch):
        if j >= len(from_patch) or (i < len(live_only) and _before(live_only[i], from_patch[j], live_keys, key_of)):
            result.append(live_only[i])
            i += 1
        else:
            result.append(from_patch[j])
            j += 1
    return result


def _before(left: Any, right: Any, live_keys: list[Hashable], key_of: KeyOf) -> bool:
    left_key, right_key = key_of(left), key_of(right)
    if left_key in live_keys and right_key in live_keys:
        return live_keys.index(left_key) < live_keys.index(right_key)
    return False


def _retain_keys(original: Json, patch: Json) -> None:
    if RETAIN_KEYS not in patch:
        return
    retain = patch.pop(RETAIN_KEYS)
    if not isinstance(retain, list):
        raise bad_request("invalid patch format of retainKeys")
    for key, value in patch.items():
        if value is not None and not key.startswith("$") and key not in retain:
            raise bad_request("invalid patch format of retainKeys")
    for key in [k for k in original if k not in retain]:
        del original[key]


def _set_element_orders(original: Json, patch: Json, type_name: str) -> None:
    for directive in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
        order = patch.pop(directive)
        key = directive.removeprefix(SET_ELEMENT_ORDER)
        if not key or not isinstance(order, list):
            raise bad_request("invalid patch format of setElementOrder list")
        field = field_of(type_name, key)
        live, change = original.get(key), patch.pop(key, None)
        if live is None and change is None:
            continue
        live_list = live if isinstance(live, list) else []
        merged = merge_list(live_list, change, field) if isinstance(change, list) else live_list
        original[key] = _order(merged, order, live_list, _by(field.merge_key) if field.merge_key else _itself)


def _order(merged: list[Any], order: list[Any], live: list[Any], key_of: KeyOf) -> list[Any]:
    wanted = [key_of(item) for item in order]
    listed = sorted((m for m in merged if key_of(m) in wanted), key=lambda m: wanted.index(key_of(m)))
    unlisted = [m for m in merged if key_of(m) not in wanted]
    return _interleave(unlisted, listed, [key_of(item) for item in live], key_of)


def _delete_from_primitive_list(original: Json, key: str, values: Any) -> None:
    if not key or not isinstance(values, list):
        raise bad_request("invalid patch format of primitive list")
    live = original.get(key)
    if isinstance(live, list):
        original[key] = [value for value in live if value not in values]


def _key_value(item: Json, key: str) -> Any:
    if key not in item:
        raise unclassified(f"map: {go_repr(item)} does not contain declared merge key: {key}")
    return item[key]


def _index(items: list[Any], value: Any, key_of: KeyOf) -> int | None:
    for at, item in enumerate(items):
        if key_of(item) == value:
            return at
    return None


def _by(key: str) -> KeyOf:
    return lambda item: _hashable(item.get(key)) if isinstance(item, dict) else None


def _itself(item: Any) -> Hashable:
    return _hashable(item)


def _hashable(value: Any) -> Hashable:
    return repr(value) if isinstance(value, dict | list) else value
