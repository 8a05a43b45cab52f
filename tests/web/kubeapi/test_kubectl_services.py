"""The real kubectl against a live KubeLab: exposing a Deployment, and the endpoints that follow its pods (K20)."""

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, kubectl, live_sandbox

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.25", ports: [{containerPort: 8080}]}
"""
POD_ENDPOINT = re.compile(r"10\.244\.\d+\.\d+:8080")


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)




def rows(result: subprocess.CompletedProcess[str]) -> list[list[str]]:
    return [line.split() for line in result.stdout.splitlines()]


def eventually(check: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll a live process's state until `check` holds or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_it_exposes_a_deployment_and_lists_its_endpoints(target: Target) -> None:  # K20
    assert kubectl(target, "apply", "-f", "-", stdin=DEPLOYMENT).returncode == 0
    exposed = kubectl(target, "expose", "deploy", "web", "--port=80", "--target-port=8080")
    assert exposed.stdout.strip() == "service/web exposed", exposed.stderr

    header, row = rows(kubectl(target, "get", "svc", "web"))
    assert header == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert row[:5] == ["web", "ClusterIP", "10.96.0.11", "<none>", "80/TCP"]

    def endpoints() -> list[str]:
        return POD_ENDPOINT.findall(kubectl(target, "get", "ep", "web").stdout)

    assert eventually(lambda: len(endpoints()) == 2), kubectl(target, "get", "ep,pods", "-o", "wide").stdout
    assert rows(kubectl(target, "get", "ep", "web"))[0] == ["NAME", "ENDPOINTS", "AGE"]

    slices = rows(kubectl(target, "get", "endpointslices", "-l", "kubernetes.io/service-name=web"))
    assert slices[0] == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    [[name, address_type, ports, addresses, _]] = slices[1:]
    assert re.fullmatch(r"web-[a-z0-9]{5}", name) and (address_type, ports) == ("IPv4", "8080")
    assert sorted(addresses.split(",")) == sorted(e.split(":")[0] for e in endpoints())


def test_it_opens_a_node_port(target: Target) -> None:
    created = kubectl(target, "create", "service", "nodeport", "np", "--tcp=80:8080")
    assert created.stdout.strip() == "service/np created", created.stderr
    row = rows(kubectl(target, "get", "svc", "np"))[1]
    assert row[1] == "NodePort" and re.fullmatch(r"80:3\d{4}/TCP", row[4])


def test_it_runs_cluster_dns_at_the_usual_address(target: Target) -> None:
    row = rows(kubectl(target, "get", "svc", "kube-dns", "-n", "kube-system"))[1]
    assert row[:5] == ["kube-dns", "ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP,9153/TCP"]
