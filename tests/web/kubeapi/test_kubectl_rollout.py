"""The real kubectl (1.37) against a live KubeLab: the field report's §10 K rows that need the workload controllers."""

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, kubectl, live_sandbox, ok, rows

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

DEPLOY_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {{app: web}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: nginx
        image: {image}
        ports:
        - containerPort: 80
"""


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)


def manifest(target: Target, image: str = "nginx:1.25", name: str = "deploy.yaml") -> str:
    path = target.kubeconfig.parent / name
    path.write_text(DEPLOY_YAML.format(image=image))
    return str(path)






def rolled_out(target: Target) -> None:
    out = ok(target, "rollout", "status", "deploy/web", "--timeout=60s")
    assert 'deployment "web" successfully rolled out' in out


def wait_for(check: Callable[[], bool], seconds: float = 20.0) -> None:
    """Poll a live cluster with a deadline (its worker reconciles on its own time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("the condition never held")


def test_it_applies_rolls_out_and_scales_a_deployment(target: Target) -> None:  # K4-K9, K22, K26, K28
    created = ok(target, "apply", "-f", manifest(target))
    unchanged = ok(target, "apply", "-f", manifest(target))
    configured = ok(target, "apply", "-f", manifest(target, "nginx:1.26"))
    assert [created.strip(), unchanged.strip(), configured.strip()] == [
        "deployment.apps/web created", "deployment.apps/web unchanged", "deployment.apps/web configured"]
    rolled_out(target)  # K5

    wide = rows(ok(target, "get", "deploy", "web", "-o", "wide"))  # K6
    assert wide[0] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert wide[1][:4] == ["web", "2/2", "2", "2"] and wide[1][5:] == ["nginx", "nginx:1.26", "app=web"]
    wait_for(lambda: len(rows(ok(target, "get", "pods", "-l", "app=web"))) == 3)  # old pods finish terminating
    pods = rows(ok(target, "get", "pods", "-l", "app=web"))  # K7
    assert [p[1:4] for p in pods[1:]] == [["1/1", "Running", "0"]] * 2
    labelled = ok(target, "get", "pods", "-A", "--show-labels")  # K8
    assert rows(labelled)[0][0] == "NAMESPACE" and "default" in labelled and "pod-template-hash=" in labelled

    assert ok(target, "scale", "deploy", "web", "--replicas=5").strip() == "deployment.apps/web scaled"  # K9
    rolled_out(target)
    wait_for(lambda: len(ok(target, "get", "pods", "-l", "app=web", "-o", "name").split()) == 5)

    everything = ok(target, "get", "all")  # K22
    assert re.search(r"^pod/web-", everything, re.M) and "service/kubernetes" in everything
    assert "deployment.apps/web" in everything and re.search(r"^replicaset\.apps/web-", everything, re.M)

    listed = target.kubeconfig.parent / "list.yaml"  # K26
    listed.write_text(ok(target, "get", "deploy", "-o", "yaml"))
    assert re.fullmatch(r"deployment\.apps/web (configured|unchanged)\n", ok(target, "apply", "-f", str(listed)))

    diff = kubectl(target, "diff", "-f", manifest(target, "nginx:1.99", "changed.yaml"))  # K28
    assert diff.returncode == 1, diff.stderr
    assert re.search(r"^\+\s+(- )?image: nginx:1\.99$", diff.stdout, re.M), diff.stdout
    assert ok(target, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}") == \
        "nginx:1.26"


def test_it_keeps_history_and_rolls_back(target: Target) -> None:  # K11-K14, K29
    ok(target, "apply", "-f", manifest(target))
    rolled_out(target)
    ok(target, "apply", "-f", manifest(target, "nginx:1.26"))
    rolled_out(target)

    assert rows(ok(target, "rollout", "history", "deploy/web"))[1:] == [
        ["REVISION", "CHANGE-CAUSE"], ["1", "<none>"], ["2", "<none>"]]
    assert re.search(r"Image:\s+nginx:1\.25", ok(target, "rollout", "history", "deploy/web", "--revision=1"))

    assert ok(target, "rollout", "undo", "deploy/web").strip() == "deployment.apps/web rolled back"  # K13
    rolled_out(target)
    assert rows(ok(target, "rollout", "history", "deploy/web"))[2:] == [["2", "<none>"], ["3", "<none>"]]
    assert ok(target, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}") == \
        "nginx:1.25"
    assert len(rows(ok(target, "get", "rs", "-l", "app=web"))) == 3  # the old ReplicaSet was reused

    skipped = ok(target, "rollout", "undo", "deploy/web", "--to-revision=3")  # K14
    assert skipped.strip() == "deployment.apps/web skipped rollback (current template already matches revision 3)"

    updated = ok(target, "set", "image", "deploy/web", "nginx=nginx:1.27")  # K29
    assert updated.strip() == "deployment.apps/web image updated"
    rolled_out(target)
    assert rows(ok(target, "rollout", "history", "deploy/web"))[-1] == ["4", "<none>"]


def test_it_restarts_pauses_and_resumes_a_rollout(target: Target) -> None:
    ok(target, "apply", "-f", manifest(target))
    rolled_out(target)

    assert ok(target, "rollout", "pause", "deploy/web").strip() == "deployment.apps/web paused"
    ok(target, "set", "image", "deploy/web", "nginx=nginx:1.27")
    assert len(rows(ok(target, "get", "rs", "-l", "app=web"))) == 2  # header and the one ReplicaSet: no rollout
    assert ok(target, "rollout", "resume", "deploy/web").strip() == "deployment.apps/web resumed"
    rolled_out(target)
    assert ok(target, "rollout", "restart", "deploy/web").strip() == "deployment.apps/web restarted"
    rolled_out(target)

    assert [r[0] for r in rows(ok(target, "rollout", "history", "deploy/web"))[2:]] == ["1", "2", "3"]


def test_it_describes_runs_and_deletes(target: Target, tmp_path: Path) -> None:  # K15, K21, K23, K27
    assert ok(target, "apply", "--server-side", "-f", manifest(target)).strip() == \
        "deployment.apps/web serverside-applied"
    rolled_out(target)
    pod = ok(target, "get", "pods", "-l", "app=web", "-o", "name").split()[0]

    described = ok(target, "describe", pod)
    assert re.search(r"^Status:\s+Running$", described, re.M)
    assert re.search(r"^Controlled By:\s+ReplicaSet/web-", described, re.M)
    assert re.search(r"^\s+Port:\s+80/TCP$", described, re.M)
    assert re.search(r"^Events:", described, re.M) and re.search(r"Normal\s+Scheduled", described)

    assert ok(target, "run", "nginx", "--image=nginx").strip() == "pod/nginx created"  # K21
    assert ok(target, "wait", "--for=condition=Ready", "pod/nginx", "--timeout=30s").strip() == \
        "pod/nginx condition met"

    # kubectl 1.37 adds where from: `deployment.apps "web" deleted from default namespace`.
    assert ok(target, "delete", "deploy", "web").startswith('deployment.apps "web" deleted')  # K27
    wait_for(lambda: "No resources found" in kubectl(target, "get", "rs,pods", "-l", "app=web").stderr)
