"""OpenAPI stubs: just enough for kubectl to trust the server to validate.

Before `apply`, `create -f` and `replace -f`, kubectl downloads OpenAPI to validate
manifests itself. KubeLab has no full schemas; instead, following kubectl's own fake
server, it serves:

* `/openapi/v2`: an empty protobuf document, so client-side validation finds no schema and
  skips (needed for `kind: List` manifests, which always take that path);
* `/openapi/v3`: an index of every served group-version, and per group-version a document
  whose PATCH operations declare the `fieldValidation` query parameter for each kind. That
  tells kubectl the server validates fields itself (`fieldValidation=Strict`), so it sends
  the manifest and lets the server answer.

kubectl caches each v3 document by URL, so the URL carries a hash of the content.
"""

import hashlib
import json
from typing import Any

from cluster.kinds import Kind
from web.kubeapi import discovery
from web.kubeapi.version import MAJOR, MINOR

V2_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"


def group_version_paths() -> dict[str, tuple[str, str]]:
    """`api/v1` -> ("", "v1"); `apis/apps/v1` -> ("apps", "v1")."""
    paths = {f"api/{v}": ("", v) for v in discovery.group_versions("")}
    for group in discovery.groups():
        paths.update({f"apis/{group}/{v}": (group, v) for v in discovery.group_versions(group)})
    return paths


def content_hash(document: dict[str, Any]) -> str:
    return hashlib.sha512(json.dumps(document, sort_keys=True).encode()).hexdigest().upper()


def index() -> dict[str, Any]:
    paths = {}
    for path, (group, version) in group_version_paths().items():
        url = f"/openapi/v3/{path}?hash={content_hash(document(group, version))}"
        paths[path] = {"serverRelativeURL": url}
    return {"paths": paths}


def document(group: str, version: str) -> dict[str, Any]:
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    paths = {object_path(prefix, kind): {"patch": patch_operation(kind, group, version)}
             for kind in discovery.kinds_in(group, version)}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": f"v{MAJOR}.{MINOR}.0"},
            "paths": paths, "components": {"schemas": {}}}


def object_path(prefix: str, kind: Kind) -> str:
    scope = "/namespaces/{namespace}" if kind.namespaced else ""
    return f"{prefix}{scope}/{kind.plural}/{{name}}"


def patch_operation(kind: Kind, group: str, version: str) -> dict[str, Any]:
    words = [w.capitalize() for w in (group.split(".")[0] if group else "core", version)]
    scope = "Namespaced" if kind.namespaced else ""
    return {"operationId": f"patch{''.join(words)}{scope}{kind.kind}", "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": kind.kind},
            "parameters": [query_parameter(n) for n in ("dryRun", "fieldManager", "fieldValidation", "force")],
            "responses": {"200": {"description": "OK"}, "201": {"description": "Created"}}}


def query_parameter(name: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
