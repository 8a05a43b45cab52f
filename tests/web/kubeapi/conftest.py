"""Fixtures for the Kubernetes API tests: a sandbox and a client that speaks to it by token."""

import json
from typing import Any

import pytest
from django.test import Client

from cluster.models import Sandbox


class Api:
    """A thin client for one sandbox: paths are relative to `/k8s/<token>`."""

    def __init__(self, client: Client, sandbox: Sandbox) -> None:
        self.client, self.sandbox = client, sandbox
        self.prefix = f"/k8s/{sandbox.token}"

    def call(self, method: str, path: str, body: Any = None, content_type: str = "application/json",
             **headers: str) -> Any:
        data = body if isinstance(body, bytes | str) else (json.dumps(body) if body is not None else "")
        return self.client.generic(method, self.prefix + path, data, content_type=content_type, headers=headers)

    def get(self, path: str, accept: str = "application/json") -> Any:
        return self.call("GET", path, Accept=accept)

    def post(self, path: str, body: Any, content_type: str = "application/json", **headers: str) -> Any:
        return self.call("POST", path, body, content_type, **headers)

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self.call("PUT", path, body, **headers)

    def patch(self, path: str, body: Any, content_type: str = "application/merge-patch+json") -> Any:
        return self.call("PATCH", path, body, content_type)

    def delete(self, path: str, body: Any = None) -> Any:
        return self.call("DELETE", path, body)


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(Client(), sandbox)


def configmap(name: str = "cfg", namespace: str | None = None, **data: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"a": "b"}}

