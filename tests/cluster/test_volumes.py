"""Simulated files: what survives a pod depends on the volume it was written to.

Files are written and read as a learner would, through `kubectl exec`'s stand-in
(`cluster.exec.exec_command`), on pods the reconcile loop has really started.
"""

from typing import Any

import pytest

from cluster import clock, errors, kinds, reconcile, store, volumes
from cluster.exec import exec_command
from cluster.kinds import Kind
from cluster.models import KubeObject, Sandbox
from cluster.objects import Obj
from tests.builders import new_pod

pytestmark = pytest.mark.django_db


def kind(name: str, group: str = "") -> Kind:
    found = kinds.by_kind(group, name)
    assert found is not None
    return found


def settle(sandbox: Sandbox, rounds: int = 3) -> None:
    for _ in range(rounds):
        clock.advance(sandbox, 40)
        reconcile.run(sandbox.pk)


def sh(sandbox: Sandbox, pod: str, script: str) -> tuple[int, str, str]:
    return exec_command(sandbox, "default", pod, "", ["sh", "-c", script])


def pod_manifest(name: str = "web", volumes_: list[Obj] | None = None, mounts: list[Obj] | None = None) -> Obj:
    pod = new_pod(name, volumes=volumes_ or [])
    pod["spec"]["containers"][0]["volumeMounts"] = mounts or []
    return {k: v for k, v in pod.items() if k != "status"}


def run_pod(sandbox: Sandbox, manifest: Obj) -> None:
    store.create(sandbox, manifest, namespace="default")
    settle(sandbox)
    assert store.get(sandbox, kind("Pod"), "default", manifest["metadata"]["name"])["status"]["phase"] == "Running"


def delete_pod(sandbox: Sandbox, name: str) -> None:
    store.delete(sandbox, kind("Pod"), "default", name)
    settle(sandbox)
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="Pod", name=name).exists()


def claim_pod(name: str = "web") -> Obj:
    return pod_manifest(name, [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
                        [{"name": "data", "mountPath": "/data"}])


def create_claim(sandbox: Sandbox) -> None:
    store.create(sandbox, {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                           "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}},
                 namespace="default")


def test_it_keeps_a_file_on_a_claim_across_pods(sandbox: Sandbox) -> None:
    create_claim(sandbox)
    run_pod(sandbox, claim_pod())
    assert sh(sandbox, "web", "echo hello > /data/hello.txt") == (0, "", "")
    delete_pod(sandbox, "web")
    run_pod(sandbox, claim_pod())
    assert exec_command(sandbox, "default", "web", "", ["cat", "/data/hello.txt"]) == (0, "hello\n", "")


def test_it_reattaches_a_statefulset_pods_data(sandbox: Sandbox) -> None:
    spec: dict[str, Any] = {
        "replicas": 1, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "volumeMounts": [
                         {"name": "data", "mountPath": "/usr/share/nginx/html"}]}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}
    store.create(sandbox, {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"}, "spec": spec},
                 namespace="default")
    settle(sandbox, 5)
    assert sh(sandbox, "web-0", "echo '<h1>web-0</h1>' > /usr/share/nginx/html/index.html")[0] == 0
    store.delete(sandbox, kind("Pod"), "default", "web-0")
    settle(sandbox, 5)
    pod = store.get(sandbox, kind("Pod"), "default", "web-0")
    assert pod["status"]["phase"] == "Running"
    assert sh(sandbox, "web-0", "cat /usr/share/nginx/html/index.html") == (0, "<h1>web-0</h1>\n", "")


def test_it_loses_an_empty_dir_file_with_its_pod(sandbox: Sandbox) -> None:
    manifest = pod_manifest("cache", [{"name": "scratch", "emptyDir": {}}],
                            [{"name": "scratch", "mountPath": "/cache"}])
    run_pod(sandbox, manifest)
    assert sh(sandbox, "cache", "echo one > /cache/x && echo two >> /cache/x && cat /cache/x") == (0, "one\ntwo\n", "")
    delete_pod(sandbox, "cache")
    run_pod(sandbox, manifest)
    assert sh(sandbox, "cache", "cat /cache/x") == (1, "", "cat: can't open '/cache/x': No such file or directory\n")


def test_it_mounts_a_config_map_read_only(sandbox: Sandbox) -> None:
    store.create(sandbox, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"},
                           "data": {"color": "blue"}}, namespace="default")
    run_pod(sandbox, pod_manifest("app", [{"name": "config", "configMap": {"name": "settings"}}],
                                  [{"name": "config", "mountPath": "/etc/config"}]))
    assert sh(sandbox, "app", "ls /etc/config; cat /etc/config/color") == (0, "color\nblue", "")
    assert sh(sandbox, "app", "echo red > /etc/config/color") == (
        1, "", "sh: can't create /etc/config/color: Read-only file system\n")
    assert sh(sandbox, "app", "rm /etc/config/color") == (
        1, "", "rm: can't remove '/etc/config/color': Read-only file system\n")


def test_it_decodes_a_secret_volume(sandbox: Sandbox) -> None:
    store.create(sandbox, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
                           "data": {"password": "czNjcjN0"}}, namespace="default")
    run_pod(sandbox, pod_manifest("app", [{"name": "creds", "secret": {"secretName": "creds"}}],
                                  [{"name": "creds", "mountPath": "/etc/creds"}]))
    assert sh(sandbox, "app", "cat /etc/creds/password") == (0, "s3cr3t", "")


def test_it_keeps_other_files_in_the_container_until_it_restarts(sandbox: Sandbox) -> None:
    run_pod(sandbox, pod_manifest("app"))
    assert sh(sandbox, "app", "echo hi > /tmp/note; ls /tmp") == (0, "note\n", "")
    pod = store.get(sandbox, kind("Pod"), "default", "app")
    restarted = {**pod, "status": {**pod["status"], "containerStatuses": [
        {**pod["status"]["containerStatuses"][0], "restartCount": 1}]}}
    assert volumes.shelf_of(sandbox, restarted, "", volumes.resolve(restarted, "", "/tmp/note")) != volumes.shelf_of(
        sandbox, pod, "", volumes.resolve(pod, "", "/tmp/note"))


def test_it_answers_like_a_shell(sandbox: Sandbox) -> None:
    create_claim(sandbox)
    run_pod(sandbox, claim_pod())
    assert sh(sandbox, "web", "ls /") == (0, "data\n", "")
    assert sh(sandbox, "web", "cat /nope || echo fallback") == (
        0, "fallback\n", "cat: can't open '/nope': No such file or directory\n")
    assert sh(sandbox, "web", "frobnicate") == (127, "", "sh: frobnicate: not found\n")
    assert sh(sandbox, "web", "echo x > /data") == (1, "", "sh: can't create /data: Is a directory\n")
    assert sh(sandbox, "web", "touch /data/a; rm /data/a; ls /data") == (0, "", "")


def test_it_refuses_to_exec_into_a_pod_that_is_not_running(sandbox: Sandbox) -> None:
    store.create(sandbox, claim_pod("waiting"), namespace="default")  # its claim does not exist: Pending
    settle(sandbox, 1)
    with pytest.raises(errors.StatusError, match='container not found \\("app"\\)'):
        sh(sandbox, "waiting", "ls")


def test_it_shares_a_host_path_between_pods_on_one_node(sandbox: Sandbox) -> None:
    def on_node_1(name: str) -> Obj:
        manifest = pod_manifest(name, [{"name": "logs", "hostPath": {"path": "/var/log/app"}}],
                                [{"name": "logs", "mountPath": "/logs"}])
        manifest["spec"]["nodeName"] = "node-1"
        return manifest
    run_pod(sandbox, on_node_1("writer"))
    run_pod(sandbox, on_node_1("reader"))
    assert sh(sandbox, "writer", "echo started >> /logs/app.log") == (0, "", "")
    assert sh(sandbox, "reader", "cat /logs/app.log") == (0, "started\n", "")
