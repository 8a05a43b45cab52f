"""`fieldValidation`: what to do with fields of a body that the kind does not have.

A typo such as `spec.replica` must not pass silently. As on a real API server, the request
says how strict to be (kubectl sends `Strict`; the server's default is `Warn`):

* Strict: 400 BadRequest, `... strict decoding error: unknown field "spec.replica"`;
* Warn: accept, drop the field, and send a `Warning` header for each one;
* Ignore: accept and drop the field silently.

Unknown fields are always dropped, because a real server's typed decoding has nowhere to
keep them, and a learner must see what was actually stored.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cluster import errors
from cluster.errors import Cause
from cluster.kinds import Kind
from cluster.objects import Obj
from web.kubeapi import schema


class Policy(StrEnum):
    STRICT = "Strict"
    WARN = "Warn"
    IGNORE = "Ignore"


def policy(value: str | None, options: str) -> Policy:
    """The `fieldValidation` query value; `options` names the verb's options kind for the error."""
    if not value:
        return Policy.WARN
    if value not in {p.value for p in Policy}:
        allowed = ", ".join(f'"{p.value}"' for p in sorted(Policy, key=lambda p: p.value))
        cause = Cause("fieldValidation", f'Unsupported value: "{value}": supported values: {allowed}',
                      "FieldValueNotSupported")
        raise errors.invalid(options, "meta.k8s.io", "", [cause])
    return Policy(value)


@dataclass
class Decoding:
    """What decoding a body against its kind's schema found: unknown fields, and values of the wrong shape."""

    unknown: list[str] = field(default_factory=list)
    mistyped: list[str] = field(default_factory=list)


def unknown_fields(value: Any, type_name: str, path: str = "") -> list[str]:
    """Dotted paths (`spec.containers[0].foo`) of the keys the type does not have, and removes them."""
    found = Decoding()
    decode(value, type_name, path, found)
    return found.unknown


def decode(value: dict[str, Any], type_name: str, path: str, found: Decoding) -> None:
    """Walk `value` as Go's decoder would: drop unknown keys and nulls (a zero value), note shape errors."""
    known = schema.fields_of(type_name)
    for key in list(value):
        where = f"{path}.{key}" if path else key
        if key not in known:
            found.unknown.append(where)
            del value[key]
        elif value[key] is None:
            del value[key]
        elif known[key] != schema.ANY:
            decode_field(value[key], known[key], where, found)


def decode_field(value: Any, type_name: str, path: str, found: Decoding) -> None:
    if type_name.startswith("[]") and isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                decode(item, type_name[2:], f"{path}[{i}]", found)
            elif item is not None:
                found.mistyped.append(mistyped(item, f"{path}[{i}]", type_name[2:]))
    elif not type_name.startswith("[]") and isinstance(value, dict):
        decode(value, type_name, path, found)
    else:
        found.mistyped.append(mistyped(value, path, type_name))


def mistyped(value: Any, path: str, type_name: str) -> str:
    json_type = {dict: "object", list: "array", str: "string", bool: "bool"}.get(type(value), "number")
    field_path = re.sub(r"\[\d+\]", "", path)
    return f"json: cannot unmarshal {json_type} into Go struct field {{kind}}.{field_path} of type " \
           f"{schema.go_name(type_name)}"


def enforce(obj: Obj, kind: Kind, api_version: str, chosen: Policy) -> list[str]:
    """Drop unknown fields from `obj` in place; returns the warnings to send, or raises for Strict."""
    root = schema.root_type(api_version, kind.kind)
    if root is None or not isinstance(obj, dict):
        return []
    found = Decoding()
    decode(obj, root, "", found)
    prefix = f'{kind.kind} in version "{api_version.rsplit("/", 1)[-1]}" cannot be handled as a {kind.kind}: '
    if found.mistyped:  # refused whatever the policy: Go cannot decode it at all
        raise errors.bad_request(prefix + found.mistyped[0].format(kind=kind.kind))
    if not found.unknown or chosen == Policy.IGNORE:
        return []
    messages = [f'unknown field "{path}"' for path in found.unknown]
    if chosen == Policy.STRICT:
        raise errors.bad_request(f"{prefix}strict decoding error: {', '.join(messages)}")
    return messages
