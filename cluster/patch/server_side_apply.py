"""Server-side apply (`kubectl apply --server-side`), simplified to an upsert that merges.

Real server-side apply records which field manager owns each field (`managedFields`) and
refuses to let one manager overwrite another's fields. KubeLab keeps the part a learner sees:
the manifest (YAML or JSON) is merged into the live object with the strategic merge rules of
`cluster.patch.schema` (containers by name, ports by number, ...), and fields the manifest
does not mention are kept. Nothing is deleted: a `null` or a `$` directive in a manifest
means nothing here. Creating the object when it is missing is the caller's job.
"""

from typing import Any

import yaml

from cluster.errors import bad_request
from cluster.objects import Obj
from cluster.patch import strategic


def parse_manifest(body: Any) -> Obj:
    """The manifest as a dict, from bytes, text (YAML, which includes JSON) or an already parsed dict."""
    if isinstance(body, bytes | str):
        try:
            body = yaml.safe_load(body)
        except yaml.YAMLError as error:
            raise bad_request(f"error decoding YAML: {error}") from error
    if not isinstance(body, dict):
        raise bad_request("error decoding YAML: the manifest must be a single object")
    return body


def apply_manifest(current: Obj, body: Any, type_name: str) -> Obj:
    return strategic.merge(current, _plain(parse_manifest(body)), type_name)


def _plain(value: Any) -> Any:
    """The manifest without nulls and `$` keys, so merging it can only add or change."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None and not str(k).startswith("$")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
