"""The real kubectl (1.37) against a live KubeLab: the field report's §10 K rows that need no controllers."""

import json
from pathlib import Path

import pytest

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, kubectl, live_sandbox

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)




def test_it_reports_its_version_without_skew_warnings(target: Target) -> None:  # K1
    result = kubectl(target, "version", "-o", "json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["serverVersion"]["gitVersion"].startswith("v1.37")
    assert "WARNING" not in result.stderr


def test_it_lists_api_resources(target: Target) -> None:  # K2
    result = kubectl(target, "api-resources")

    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["pods", "po", "v1", "true", "Pod"] in lines
    assert ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"] in lines


def test_it_gets_namespaces_as_a_table(target: Target) -> None:  # K3
    result = kubectl(target, "get", "ns")

    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["NAME", "STATUS", "AGE"]
    assert [r[:2] for r in rows[1:]] == [["default", "Active"], ["kube-node-lease", "Active"],
                                         ["kube-public", "Active"], ["kube-system", "Active"]]


def test_it_creates_a_namespace_from_protobuf_once(target: Target) -> None:  # K18
    first = kubectl(target, "create", "namespace", "dev")
    second = kubectl(target, "create", "namespace", "dev")

    assert first.stdout.strip() == "namespace/dev created"
    assert second.returncode == 1
    assert 'Error from server (AlreadyExists): namespaces "dev" already exists' in second.stderr


def test_it_creates_configmaps_and_secrets_with_generators(target: Target) -> None:  # K19
    assert kubectl(target, "create", "configmap", "cfg", "--from-literal=a=b").stdout.strip() == "configmap/cfg created"
    assert kubectl(target, "create", "secret", "generic", "s", "--from-literal=p=x").returncode == 0

    assert kubectl(target, "get", "cm", "cfg", "-o", "jsonpath={.data.a}").stdout == "b"
    assert kubectl(target, "get", "secret", "s", "-o", "jsonpath={.data.p}").stdout == "eA=="


def test_it_exposes_a_pod_as_a_service(target: Target) -> None:  # K20, pod-backed
    assert kubectl(target, "run", "web", "--image=nginx:1.25", "--port=8080").returncode == 0

    exposed = kubectl(target, "expose", "pod", "web", "--port=80", "--target-port=8080")
    listed = kubectl(target, "get", "svc", "web")

    assert exposed.stdout.strip() == "service/web exposed", exposed.stderr
    row = listed.stdout.splitlines()[1].split()
    assert row[:2] == ["web", "ClusterIP"] and row[2].startswith("10.") and row[3:5] == ["<none>", "80/TCP"]


def test_it_reports_missing_objects_as_kubernetes_does(target: Target) -> None:  # K24
    pod = kubectl(target, "get", "pod", "nope")
    deployment = kubectl(target, "get", "deploy", "nope")

    assert pod.returncode == deployment.returncode == 1
    assert 'Error from server (NotFound): pods "nope" not found' in pod.stderr
    assert 'Error from server (NotFound): deployments.apps "nope" not found' in deployment.stderr


def test_it_explains_an_invalid_pod_field_by_field(target: Target, tmp_path: Path) -> None:  # K25
    manifest = tmp_path / "pod.yaml"
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata: {}\nspec: {containers: [{name: a, image: nginx}]}\n")

    result = kubectl(target, "create", "-f", str(manifest))

    assert result.returncode == 1
    assert 'The Pod "" is invalid: metadata.name: Required value: name or generateName is required' in result.stderr


def test_it_refuses_a_wrong_token(live_cluster: LiveCluster, tmp_path: Path) -> None:  # K30
    target = live_sandbox(live_cluster, tmp_path, token="not-the-token")

    result = kubectl(target, "get", "pods")

    assert result.returncode == 1
    assert "error: You must be logged in to the server" in result.stderr
