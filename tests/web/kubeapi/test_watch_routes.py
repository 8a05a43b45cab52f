"""Watches through the routes, and with the real clients against a live server.

K10: `kubectl get pods -w` shows a pod created while it watches.
P11: the Python client's `watch.Watch().stream(list_namespaced_pod, ...)` gets V1Pod objects,
an ADDED for each existing pod first.
"""

import asyncio
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from cluster import store
from cluster.models import Sandbox
from tests.live.harness import LiveCluster, live_cluster, live_redis, live_services  # noqa: F401
from web.management.links import kubeconfig

KUBECTL = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "kubectl"
TABLE_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
                "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")
DEADLINE = 15.0


def pod(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}


def config_map(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "b"}}


async def streamed(response: Any) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        return [json.loads(line) async for line in response.streaming_content]
    return await asyncio.wait_for(read(), DEADLINE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_it_streams_a_watch_through_the_api_routes(sandbox: Sandbox) -> None:
    await sync_to_async(store.create)(sandbox, config_map("settings"), namespace="default")

    # The field selector leaves out the kube-root-ca.crt ConfigMap every namespace gets.
    response = await AsyncClient().get(f"/k8s/{sandbox.token}/api/v1/namespaces/default/configmaps",
                                       {"watch": "true", "timeoutSeconds": "1",
                                        "fieldSelector": "metadata.name=settings"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/json"
    events = await streamed(response)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "settings")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_it_answers_a_bad_selector_with_a_400_status(sandbox: Sandbox) -> None:
    response = await AsyncClient().get(f"/k8s/{sandbox.token}/api/v1/namespaces/default/configmaps",
                                       {"watch": "true", "labelSelector": "app in (web"})

    assert response.status_code == 400
    assert json.loads(response.content)["reason"] == "BadRequest"


# --- the real clients, against Uvicorn ---------------------------------------------------------------

def write_kubeconfig(tmp_path: Path, sandbox: Sandbox, live: LiveCluster) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(kubeconfig(sandbox, live.url)))
    return path


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_it_shows_a_new_pod_to_kubectl_get_watch(live_cluster: LiveCluster, sandbox: Sandbox,  # noqa: F811
                                                 tmp_path: Path) -> None:
    env = {**os.environ, "KUBECONFIG": str(write_kubeconfig(tmp_path, sandbox, live_cluster)),
           "HOME": str(tmp_path)}
    out = (tmp_path / "out.txt").open("wb")
    kubectl = subprocess.Popen(["timeout", "8", str(KUBECTL), "get", "pods", "-w"], env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    try:
        # Uvicorn logs a streaming response as it starts: then kubectl is watching.
        wait_for(lambda: b"watch=true" in (live_cluster.logs / "web.log").read_bytes(), "kubectl to watch")
        store.create(sandbox, pod("watched"), namespace="default")
        wait_for(lambda: b"watched" in (tmp_path / "out.txt").read_bytes(), "kubectl to print the pod")
    finally:
        kubectl.wait(timeout=DEADLINE)
        out.close()
    rows = [line.split() for line in (tmp_path / "out.txt").read_text().splitlines()]
    assert rows[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]  # the columns of the first watch Table
    assert rows[1][0] == "watched" and all(row[0] == "watched" for row in rows[1:])


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_it_streams_pods_to_the_python_client(live_cluster: LiveCluster, sandbox: Sandbox,  # noqa: F811
                                              tmp_path: Path) -> None:
    from kubernetes import client, config, watch

    for name in ("web-a", "web-b"):
        store.create(sandbox, pod(name), namespace="default")
    config.load_kube_config(str(write_kubeconfig(tmp_path, sandbox, live_cluster)))
    v1 = client.CoreV1Api()

    events = []
    for event in watch.Watch().stream(v1.list_namespaced_pod, "default", timeout_seconds=5):
        events.append(event)
        if len(events) == 2:
            store.create(sandbox, pod("web-c"), namespace="default")

    assert [(e["type"], e["object"].metadata.name) for e in events[:2]] == [("ADDED", "web-a"), ("ADDED", "web-b")]
    assert ("ADDED", "web-c") in [(e["type"], e["object"].metadata.name) for e in events[2:]]
    assert all(isinstance(e["object"], client.V1Pod) for e in events)
