"""The web console against the real kubectl 1.37: the same sandbox, the same output, byte for byte."""

import subprocess
import time
from pathlib import Path

import pytest

from cluster import kinds, store
from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, kubectl, live_sandbox
from web.console import commands

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

MANIFESTS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "nginx:1.25", ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: back}}
    spec: {containers: [{name: app, image: "example/api:2"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  type: NodePort
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
"""
COMPARED = ("get pods", "get pods -o wide", "get deploy -o wide", "get svc", "get nodes", "get ns",
            "get pods --show-labels", "get rs,svc", "get pods -A", "get nodes -o wide")


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)


def pods_running(target: Target, count: int, seconds: float = 60.0) -> bool:
    """Poll the live worker's progress until `count` pods run and the sandbox has settled."""
    pod = kinds.by_kind("", "Pod")
    assert pod is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        items, _ = store.list_objects(target.sandbox, pod, "default")
        target.sandbox.refresh_from_db()
        running = len(items) >= count and all(p.get("status", {}).get("phase") == "Running" for p in items)
        if running and not target.sandbox.dirty:
            return True
        time.sleep(0.2)
    return False


def real(target: Target, line: str) -> subprocess.CompletedProcess[str]:
    return kubectl(target, *line.split())


def test_it_prints_the_tables_kubectl_prints(target: Target) -> None:
    applied = commands.run(target.sandbox, "apply -f -", MANIFESTS)
    assert applied.code == 0, applied.text
    assert pods_running(target, 4)

    for line in COMPARED:
        ours, theirs = commands.run(target.sandbox, line), real(target, line)
        assert "".join(ours.stdout) == theirs.stdout, line
        assert ours.code == theirs.returncode, line


def test_it_prints_the_errors_and_notices_kubectl_prints(target: Target) -> None:
    for line in ("get pods ghost", "get pods", "get deploy -n kube-public", "delete pod ghost"):
        ours, theirs = commands.run(target.sandbox, line), real(target, line)
        assert "".join(ours.stderr) == theirs.stderr, line
        assert ours.code == theirs.returncode, line


def test_it_reports_writes_in_kubectls_words(target: Target) -> None:
    commands.run(target.sandbox, "apply -f -", MANIFESTS)
    for ours_line, theirs_line in (("scale rs/api --replicas=3", "scale rs/api --replicas=1"),
                                   ("label svc api team=a", "label svc api owner=b"),
                                   ("delete svc api", "delete rs api"),
                                   ("create namespace one", "create namespace two")):
        ours, theirs = commands.run(target.sandbox, ours_line), real(target, theirs_line)
        assert _shape(ours.text) == _shape(theirs.stdout + theirs.stderr), (ours_line, theirs_line)


def _shape(text: str) -> str:
    """The output with names blanked, to compare what two different writes say."""
    for word in ("api", "one", "two", "rs", "svc", "replicaset.apps", "service"):
        text = text.replace(word, "X")
    return text
