"""The pods/log subresource: plain text for `kubectl logs`, Kubernetes' refusals, and the live clients (K16, P12)."""

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from cluster import clock, reconcile
from tests.live.harness import LiveCluster
from tests.web.kubeapi.conftest import Api
from tests.web.kubeapi.live_clients import KUBECTL, Target, kubectl, live_sandbox

LOG = "/api/v1/namespaces/default/pods/{}/log"


def pod(name: str = "web", image: str = "busybox:1.36", command: list[str] | None = None,
        **extra: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": image, **extra}
    if command:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [container]}}


def started(api: Api, manifest: dict[str, Any]) -> None:
    assert api.post("/api/v1/namespaces/default/pods", manifest).status_code == 201
    reconcile.run(api.sandbox.pk)


def log(api: Api, name: str = "web", query: str = "") -> Any:
    return api.get(LOG.format(name) + (f"?{query}" if query else ""), accept="*/*")


# --- through the Django client -------------------------------------------------------------------

def test_it_serves_a_container_output_as_plain_text(api: Api) -> None:
    started(api, pod(command=["sh", "-c", "echo hello; echo world; sleep 3600"]))

    response = log(api)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert response.content == b"hello\nworld\n"
    assert log(api, query="tailLines=1").content == b"world\n"
    assert log(api, query="limitBytes=3").content == b"hel"
    assert log(api, query="timestamps=true").content.decode().split(" ", 1)[0].endswith("000Z")


def test_it_reads_lines_by_the_sandbox_clock(api: Api) -> None:
    started(api, pod(command=["sh", "-c", "echo early; sleep 30; echo late; sleep 3600"]))

    assert log(api).content == b"early\n"
    clock.advance(api.sandbox, 30)
    assert log(api).content == b"early\nlate\n"
    assert log(api, query="sinceSeconds=10").content == b"late\n"


def test_it_refuses_as_kubernetes_does(api: Api) -> None:
    started(api, pod(command=["sleep", "3600"]))

    unknown = log(api, query="container=nope")
    previous = log(api, query="previous=true")
    negative = log(api, query="tailLines=-1")
    missing = log(api, "nope")

    assert unknown.status_code == 400 and unknown.json()["reason"] == "BadRequest"
    assert unknown.json()["message"] == "container nope is not valid for pod web"
    assert previous.json()["message"] == 'previous terminated container "app" in pod "web" not found'
    assert negative.status_code == 400
    assert missing.status_code == 404 and missing.json()["message"] == 'pods "nope" not found'


def test_it_says_a_failing_pull_keeps_the_container_from_starting(api: Api) -> None:
    started(api, pod(image="nginx:1.999"))

    response = log(api)

    assert response.status_code == 400
    assert response.json()["message"] == ('container "app" in pod "web" is waiting to start: trying and failing '
                                          "to pull image")


# --- the real clients (live) -------------------------------------------------------------------------

def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def running_pod(target: Target, name: str, *args: str) -> None:
    assert kubectl(target, "run", name, "--image=nginx:1.25", *args).returncode == 0
    assert wait_until(lambda: kubectl(target, "get", "pod", name, "-o", "jsonpath={.status.phase}").stdout
                      == "Running", 30)


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_it_serves_kubectl_logs_tail_and_follow(target: Target) -> None:  # K16
    running_pod(target, "web")

    whole = kubectl(target, "logs", "web")
    last = kubectl(target, "logs", "web", "--tail=1")
    cache = target.kubeconfig.parent / "cache"
    follow = subprocess.run(["timeout", "3", str(KUBECTL), "--kubeconfig",
                             str(target.kubeconfig), "--cache-dir", str(cache), "logs", "-f", "web"],
                            capture_output=True, text=True, timeout=30)

    assert whole.returncode == 0 and len(whole.stdout.splitlines()) >= 1, whole.stderr
    assert last.stdout.splitlines() == [whole.stdout.splitlines()[-1]]
    assert follow.returncode == 124, follow.stderr  # still streaming when `timeout` stopped it
    assert follow.stdout.splitlines() == whole.stdout.splitlines()


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_it_describes_a_crash_looping_pod_with_its_events(target: Target) -> None:
    script = ["sh", "-c", "echo oops; exit 1"]
    assert kubectl(target, "run", "crash", "--image=busybox:1.36", "--", *script).returncode == 0
    assert wait_until(lambda: "CrashLoopBackOff" in kubectl(target, "get", "pod", "crash").stdout, 30)

    described = kubectl(target, "describe", "pod", "crash").stdout
    logs = kubectl(target, "logs", "crash", "--previous")

    assert "Reason:       CrashLoopBackOff" in described and "Exit Code:    1" in described
    assert "Back-off restarting failed container crash in pod crash_default(" in described
    assert logs.stdout == "oops\n"


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_it_reads_a_log_with_the_python_client(live_cluster: LiveCluster, tmp_path: Path) -> None:  # P12
    target = live_sandbox(live_cluster, tmp_path)
    running_pod(target, "web")
    configuration = client.Configuration()
    configuration.host = live_cluster.url
    configuration.api_key = {"authorization": f"Bearer {target.sandbox.token}"}
    core = client.CoreV1Api(client.ApiClient(configuration))

    text = core.read_namespaced_pod_log("web", "default", tail_lines=1)

    assert isinstance(text, str) and len(text.splitlines()) == 1
    assert text.endswith("start worker process 30\n")
