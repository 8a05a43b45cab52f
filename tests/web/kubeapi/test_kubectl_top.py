"""The real kubectl against a live KubeLab: `kubectl top` (K17) and `kubectl autoscale`."""

import subprocess
import time
from pathlib import Path

import pytest

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, kubectl, live_sandbox

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)


def rows(result: subprocess.CompletedProcess[str]) -> list[list[str]]:
    return [line.split() for line in result.stdout.splitlines()]


def eventually(target: Target, *args: str, rows_wanted: int, seconds: float = 30) -> list[list[str]]:
    """Poll a kubectl command until it prints a header and `rows_wanted` rows (the worker is a live process)."""
    deadline = time.monotonic() + seconds
    while True:
        found = rows(kubectl(target, *args))
        if len(found) == rows_wanted + 1 or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_it_shows_top_pods(target: Target) -> None:  # K17
    assert kubectl(target, "run", "web", "--image=nginx:1.25").returncode == 0

    found = eventually(target, "top", "pods", rows_wanted=1)

    assert found[0] == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert found[1][0] == "web" and found[1][1].endswith("m") and found[1][2].endswith("Mi")


def test_it_shows_top_nodes_with_percentages(target: Target) -> None:  # K17
    found = eventually(target, "top", "nodes", rows_wanted=2)

    assert found[0] == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert [r[0] for r in found[1:]] == ["node-1", "node-2"]
    assert all(r[2].endswith("%") and r[4].endswith("%") for r in found[1:])


def test_it_autoscales_a_deployment(target: Target) -> None:
    assert kubectl(target, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2").returncode == 0

    result = kubectl(target, "autoscale", "deploy", "web", "--cpu-percent=50", "--min=1", "--max=5")
    listed = eventually(target, "get", "hpa", rows_wanted=1)

    assert result.stdout.strip() == "horizontalpodautoscaler.autoscaling/web autoscaled", result.stderr
    assert listed[0] == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert listed[1][:2] == ["web", "Deployment/web"]
    # Pods made by `create deployment` request no CPU: the autoscaler cannot compute a utilization.
    assert listed[1][2:6] == ["cpu:", "<unknown>/50%", "1", "5"]
