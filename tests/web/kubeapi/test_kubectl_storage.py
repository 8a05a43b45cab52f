"""The real kubectl against a live KubeLab with a worker: StorageClass, claims and their volumes."""

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, kubectl, live_sandbox

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

CLAIM = """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 2Gi}}
"""


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def apply(target: Target, manifest: str) -> subprocess.CompletedProcess[str]:
    path = target.kubeconfig.parent / "manifest.yaml"
    path.write_text(manifest)
    return kubectl(target, "apply", "-f", str(path))


def rows(result: subprocess.CompletedProcess[str]) -> list[list[str]]:
    return [line.split() for line in result.stdout.splitlines()]


def test_it_lists_the_default_storage_class(target: Target) -> None:
    listed = kubectl(target, "get", "sc")

    assert listed.returncode == 0, listed.stderr
    assert rows(listed)[0] == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION",
                               "AGE"]
    assert rows(listed)[1][:6] == ["standard", "(default)", "kubelab.io/hostpath", "Delete", "Immediate", "false"]


def test_it_shows_a_claim_bound_to_its_provisioned_volume(target: Target) -> None:
    assert apply(target, CLAIM).stdout.strip() == "persistentvolumeclaim/data created"

    def phase() -> str:
        return kubectl(target, "get", "pvc", "data", "-o", "jsonpath={.status.phase}").stdout

    bound = wait_until(lambda: phase() == "Bound", 30)
    claim = rows(kubectl(target, "get", "pvc", "data"))
    volume = kubectl(target, "get", "pvc", "data", "-o", "jsonpath={.spec.volumeName}").stdout
    volumes = rows(kubectl(target, "get", "pv"))

    assert bound
    assert claim[0][:7] == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS"]
    assert claim[1][:6] == ["data", "Bound", volume, "2Gi", "RWO", "standard"]
    assert volume.startswith("pvc-")
    assert volumes[1][:7] == [volume, "2Gi", "RWO", "Delete", "Bound", "default/data", "standard"]
    every = kubectl(target, "get", "pv,pvc,sc").stdout
    assert f"persistentvolume/{volume}" in every and "persistentvolumeclaim/data" in every
    assert "storageclass.storage.k8s.io/standard (default)" in every
