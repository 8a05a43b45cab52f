"""The real kubectl cordons and drains a node of a live KubeLab, and a PodDisruptionBudget holds it back."""

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, kubectl, live_sandbox

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

BUDGET_REFUSAL = "Cannot evict pod as it would violate the pod's disruption budget."


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)  # two nodes




def apply(target: Target, *objects: dict[str, Any]) -> None:
    result = kubectl(target, "apply", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List",
                                                                    "items": list(objects)}))
    assert result.returncode == 0, result.stderr


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def replicaset(replicas: int) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}


def budget(min_available: int) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
            "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": "web"}}}}


def running_nodes(target: Target) -> list[str]:
    """The node of each Running web pod that is not being deleted."""
    listed = json.loads(kubectl(target, "get", "pods", "-l", "app=web", "-o", "json").stdout or '{"items": []}')
    return sorted(p["spec"].get("nodeName", "") for p in listed["items"]
                  if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp"))


def test_it_cordons_and_drains_a_node_and_the_pods_come_back_on_the_other(target: Target) -> None:
    apply(target, replicaset(3))
    assert wait_until(lambda: len(running_nodes(target)) == 3, 30), running_nodes(target)
    assert "node-1" in running_nodes(target)

    cordoned = kubectl(target, "cordon", "node-1")
    status = kubectl(target, "get", "node", "node-1", "--no-headers").stdout.split()[1]
    drained = kubectl(target, "drain", "node-1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s")

    assert cordoned.stdout.strip() == "node/node-1 cordoned", cordoned.stderr
    assert status == "Ready,SchedulingDisabled"
    output = drained.stdout + drained.stderr
    assert drained.returncode == 0, output
    assert "node/node-1 already cordoned" in output
    assert "evicting pod default/web-" in output and "evicted" in output
    assert output.strip().endswith("node/node-1 drained")
    assert wait_until(lambda: running_nodes(target) == ["node-2"] * 3, 30), running_nodes(target)


def test_it_retries_an_eviction_a_budget_refuses_until_the_timeout(target: Target) -> None:
    apply(target, replicaset(2), budget(2))
    assert wait_until(lambda: len(running_nodes(target)) == 2, 30)
    assert wait_until(lambda: kubectl(target, "get", "pdb", "web", "-o",
                                      "jsonpath={.status.currentHealthy}").stdout == "2", 30)

    drained = kubectl(target, "drain", "node-1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=10s")

    output = drained.stdout + drained.stderr
    assert drained.returncode != 0
    assert f"(will retry after 5s): {BUDGET_REFUSAL}" in output
    assert 'error: unable to drain node "node-1"' in output
    assert len(running_nodes(target)) == 2
