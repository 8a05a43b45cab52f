"""The official Python client (37) against a live KubeLab: the §10 P rows that need the deployment controller."""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import live_sandbox
from tests.web.kubeapi.test_python_client import deployment

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def apps_and_core(live_cluster: LiveCluster, tmp_path: Path) -> tuple[client.AppsV1Api, client.CoreV1Api]:
    target = live_sandbox(live_cluster, tmp_path)
    configuration = client.Configuration()
    configuration.host = live_cluster.url
    configuration.api_key = {"authorization": f"Bearer {target.sandbox.token}"}
    api = client.ApiClient(configuration)
    return client.AppsV1Api(api), client.CoreV1Api(api)


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    """Poll the live cluster with a deadline: its worker reconciles on its own time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("the condition never held")


def running_pods(core: client.CoreV1Api) -> int:
    pods = core.list_namespaced_pod("default", label_selector="app=web").items
    return sum(1 for p in pods if p.status is not None and p.status.phase == "Running"
               and p.metadata is not None and p.metadata.deletion_timestamp is None)


def rolled_out(apps: client.AppsV1Api, name: str = "web") -> bool:
    obj: Any = apps.read_namespaced_deployment(name, "default")
    return bool(obj.status.observed_generation == obj.metadata.generation
                and obj.status.ready_replicas == obj.spec.replicas
                and obj.status.updated_replicas == obj.spec.replicas)


def test_it_scales_and_patches_a_deployment(apps_and_core: tuple[client.AppsV1Api, client.CoreV1Api]) -> None:
    apps, core = apps_and_core
    apps.create_namespaced_deployment("default", deployment())

    scale: Any = apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 3}})  # P6
    assert scale.spec.replicas == 3
    eventually(lambda: running_pods(core) == 3)

    patched: Any = apps.patch_namespaced_deployment(  # P7
        "web", "default", [{"op": "replace", "path": "/spec/replicas", "value": 4}])
    assert patched.spec.replicas == 4
    labelled: Any = apps.patch_namespaced_deployment(  # P8
        "web", "default", {"metadata": {"labels": {"x": "y"}}}, _content_type="application/merge-patch+json")
    assert labelled.metadata.labels["x"] == "y"

    eventually(lambda: rolled_out(apps))  # P10
    read: Any = apps.read_namespaced_deployment("web", "default")
    assert read.status.observed_generation == read.metadata.generation
    assert read.status.ready_replicas == read.spec.replicas == 4
    assert {c.type: c.status for c in read.status.conditions} == {"Available": "True", "Progressing": "True"}


def test_it_creates_by_server_side_apply_and_deletes_in_the_foreground(
        apps_and_core: tuple[client.AppsV1Api, client.CoreV1Api]) -> None:
    apps, core = apps_and_core

    created: Any = apps.patch_namespaced_deployment(  # P9
        "ssa", "default", deployment("ssa"), field_manager="py", force=True,
        _content_type="application/apply-patch+yaml")
    assert created.metadata.name == "ssa" and created.metadata.uid
    eventually(lambda: rolled_out(apps, "ssa"))

    result = apps.delete_namespaced_deployment("ssa", "default", propagation_policy="Foreground")  # P15
    assert result is not None

    def gone() -> bool:
        try:
            apps.read_namespaced_deployment("ssa", "default")
        except ApiException as error:
            return error.status == 404
        return False

    eventually(gone)
    assert apps.list_namespaced_replica_set("default", label_selector="app=ssa").items == []
    eventually(lambda: core.list_namespaced_pod("default", label_selector="app=ssa").items == [])
