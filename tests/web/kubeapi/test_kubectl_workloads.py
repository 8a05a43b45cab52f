"""The real kubectl (1.37) against a live KubeLab: DaemonSets and StatefulSets.

`kubectl rollout status` watches the object until its status says the rollout is done, so
these tests prove the controllers' status fields are the ones kubectl reads.
"""

import re
from pathlib import Path

import pytest

from tests.live.harness import LiveCluster
from tests.web.kubeapi.live_clients import Target, live_sandbox, ok, rows

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

WORKLOADS_YAML = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: {{app: web}}
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: logs
spec:
  selector:
    matchLabels: {{app: logs}}
  template:
    metadata:
      labels: {{app: logs}}
    spec:
      containers:
      - name: fluentd
        image: {logs_image}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: nginx
        image: {web_image}
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"""


@pytest.fixture
def target(live_cluster: LiveCluster, tmp_path: Path) -> Target:
    return live_sandbox(live_cluster, tmp_path)


def apply(target: Target, logs_image: str = "fluentd:1", web_image: str = "nginx:1.25") -> str:
    path = target.kubeconfig.parent / "workloads.yaml"
    path.write_text(WORKLOADS_YAML.format(logs_image=logs_image, web_image=web_image))
    return ok(target, "apply", "-f", str(path))






def test_it_rolls_out_a_daemonset_and_a_statefulset(target: Target) -> None:
    assert "statefulset.apps/web created" in apply(target)

    assert ok(target, "rollout", "status", "ds/logs", "--timeout=60s").strip().endswith(
        'daemon set "logs" successfully rolled out')
    assert ok(target, "rollout", "status", "sts/web", "--timeout=60s").strip().endswith(
        "partitioned roll out complete: 3 new pods have been updated...")

    pods = rows(ok(target, "get", "pods", "-l", "app=web"))
    assert [row[:3] for row in pods[1:]] == [["web-0", "1/1", "Running"], ["web-1", "1/1", "Running"],
                                             ["web-2", "1/1", "Running"]]
    claims = rows(ok(target, "get", "pvc", "-o", "name"))
    assert claims == [["persistentvolumeclaim/data-web-0"], ["persistentvolumeclaim/data-web-1"],
                      ["persistentvolumeclaim/data-web-2"]]


def test_it_lists_daemonsets_and_statefulsets_wide(target: Target) -> None:
    apply(target)
    ok(target, "rollout", "status", "sts/web", "--timeout=60s")
    ok(target, "rollout", "status", "ds/logs", "--timeout=60s")

    table = rows(ok(target, "get", "ds,sts", "-o", "wide"))

    ds_header = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE",
                 "CONTAINERS", "IMAGES", "SELECTOR"]
    assert table[0] == ds_header
    assert table[1][:7] == ["daemonset.apps/logs", "2", "2", "2", "2", "2", "<none>"]
    assert table[1][-3:] == ["fluentd", "fluentd:1", "app=logs"]
    assert table[2] == ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]
    assert table[3][:2] == ["statefulset.apps/web", "3/3"] and table[3][-2:] == ["nginx", "nginx:1.25"]


def test_it_follows_a_statefulset_update_to_the_end(target: Target) -> None:
    apply(target)
    ok(target, "rollout", "status", "sts/web", "--timeout=60s")

    apply(target, web_image="nginx:1.26")
    out = ok(target, "rollout", "status", "sts/web", "--timeout=60s")

    assert "partitioned roll out complete: 3 new pods have been updated..." in out
    images = ok(target, "get", "pods", "-l", "app=web", "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}")
    assert images.split() == ["web-0=nginx:1.26", "web-1=nginx:1.26", "web-2=nginx:1.26"]
    revisions = sorted(rows(ok(target, "get", "controllerrevisions", "-l", "app=web"))[1:], key=lambda r: r[2])
    assert [row[1:3] for row in revisions] == [["statefulset.apps/web", "1"], ["statefulset.apps/web", "2"]]
    assert all(re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]+", row[0]) for row in revisions)
