"""The official Python client (37) against a live KubeLab: the field report's §10 P rows needing no controllers."""

import json
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, dynamic, watch
from kubernetes.client.exceptions import ApiException

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import live_sandbox

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def api(live_cluster: LiveCluster, tmp_path: Path) -> client.ApiClient:
    """Bearer token at the root paths: the Python client sends it even over http."""
    target = live_sandbox(live_cluster, tmp_path)
    configuration = client.Configuration()
    configuration.host = live_cluster.url
    configuration.api_key = {"authorization": f"Bearer {target.sandbox.token}"}
    return client.ApiClient(configuration)


def deployment(name: str = "web") -> Any:
    """A plain dict, as many scripts pass it (typed Any: the client's stubs ask for a model)."""
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}


def meta(obj: Any) -> client.V1ObjectMeta:
    assert obj.metadata is not None
    metadata: client.V1ObjectMeta = obj.metadata
    return metadata


def reason(error: ApiException) -> str:
    return str(json.loads(str(error.body))["reason"])


def test_it_reports_the_version(api: client.ApiClient) -> None:  # P1
    assert client.VersionApi(api).get_code().git_version.startswith("v1.37")


def test_it_serves_discovery_the_models_accept(api: client.ApiClient) -> None:  # P2
    assert isinstance(client.CoreApi(api).get_api_versions(), client.V1APIVersions)
    assert isinstance(client.ApisApi(api).get_api_versions(), client.V1APIGroupList)
    assert isinstance(client.CoreV1Api(api).get_api_resources(), client.V1APIResourceList)


def test_it_lists_namespaces(api: client.ApiClient) -> None:  # P3
    names = {meta(ns).name for ns in client.CoreV1Api(api).list_namespace().items}

    assert {"default", "kube-system"} <= names


def test_it_creates_a_deployment_once(api: client.ApiClient) -> None:  # P4, P5
    apps = client.AppsV1Api(api)

    created = apps.create_namespaced_deployment("default", deployment())
    with pytest.raises(ApiException) as again:
        apps.create_namespaced_deployment("default", deployment())

    assert isinstance(created, client.V1Deployment)
    assert meta(created).uid and isinstance(meta(created).resource_version, str)
    assert again.value.status == 409 and reason(again.value) == "AlreadyExists"


def test_it_raises_not_found_for_a_missing_pod(api: client.ApiClient) -> None:  # P14
    with pytest.raises(client.exceptions.NotFoundException) as missing:
        client.CoreV1Api(api).read_namespaced_pod("nope", "default")

    assert missing.value.status == 404


def test_it_serves_the_dynamic_client(api: client.ApiClient) -> None:  # P16
    client.AppsV1Api(api).create_namespaced_deployment("default", deployment())
    deployments = dynamic.DynamicClient(api).resources.get(api_version="apps/v1", kind="Deployment")

    assert [d.metadata.name for d in deployments.get(namespace="default").items] == ["web"]


def test_it_refuses_a_replace_with_a_stale_resource_version(api: client.ApiClient) -> None:  # P17
    apps = client.AppsV1Api(api)
    apps.create_namespaced_deployment("default", deployment())
    stale = apps.read_namespaced_deployment("web", "default")  # a V1Deployment model, sent back as is
    apps.patch_namespaced_deployment("web", "default", {"metadata": {"labels": {"touched": "yes"}}})

    with pytest.raises(ApiException) as conflict:
        apps.replace_namespaced_deployment("web", "default", stale)

    assert conflict.value.status == 409 and reason(conflict.value) == "Conflict"


def test_it_routes_a_list_with_watch_to_a_stream(api: client.ApiClient) -> None:  # P11, without controllers
    core = client.CoreV1Api(api)
    core.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cfg"),
                                                                     data={"a": "b"}))

    # The field selector leaves out the kube-root-ca.crt ConfigMap every namespace also holds.
    events = list(watch.Watch().stream(core.list_namespaced_config_map, "default", timeout_seconds=2,
                                       field_selector="metadata.name=cfg"))

    assert [(e["type"], e["object"].metadata.name) for e in events] == [("ADDED", "cfg")]
