"""The field names each kind knows, so the server can find fields it does not.

A real API server decodes a body into Go structs; a field with no struct member is
"unknown" and is dropped, warned about or refused (`fieldValidation`). KubeLab keeps the
same knowledge as data: `schema.json` maps each type to its fields, and each field to its
own type when it is an object (`V1PodSpec`), or a list of objects (`[]V1Container`), or to
"" when anything goes there: scalars, and maps such as labels, annotations, data,
selectors and resource lists. It is generated from the
official Python client's models by `schema_build.py`. Kinds missing from it accept any field.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

ANY = ""


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((Path(__file__).parent / "schema.json").read_text())
    return loaded


def root_type(api_version: str, kind: str) -> str | None:
    """The type name of a kind's objects, or None when KubeLab has no schema for it."""
    found: str | None = _data()["kinds"].get(f"{api_version}/{kind}")
    return found


def fields_of(type_name: str) -> dict[str, str]:
    fields: dict[str, str] = _data()["types"].get(type_name, {})
    return fields


def go_name(type_name: str) -> str:
    """`[]V1Container` -> `[]v1.Container`, as Go's decoder names types in its errors."""
    prefix, _, name = type_name.rpartition("]")
    bare = name.removeprefix("V1").removeprefix("V2")
    version = "v2" if name.startswith("V2") else "v1"
    return f"{prefix + ']' if prefix else ''}{version}.{bare}"
