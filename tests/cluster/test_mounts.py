"""A pod waits in ContainerCreating, with FailedMount, until its volumes can be set up."""

from cluster import kinds, reconcile, store
from cluster.models import KubeObject, Sandbox


def pod_with(volume: dict) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                     "volumeMounts": [{"name": volume["name"], "mountPath": "/etc/app"}]}],
                     "volumes": [volume]}}


def pod(sandbox: Sandbox) -> dict:
    return store.get(sandbox, kinds.by_kind("", "Pod"), "default", "web")


def failed_mounts(sandbox: Sandbox) -> list[str]:
    return [e.body["message"] for e in KubeObject.objects.filter(sandbox=sandbox, kind="Event")
            if e.body.get("reason") == "FailedMount"]


def test_it_waits_for_a_missing_configmap_then_starts(sandbox: Sandbox) -> None:
    store.create(sandbox, pod_with({"name": "config", "configMap": {"name": "settings"}}), namespace="default")
    reconcile.run(sandbox.pk)

    waiting = pod(sandbox)
    assert waiting["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    assert failed_mounts(sandbox) == [
        'MountVolume.SetUp failed for volume "config" : configmap "settings" not found']

    store.create(sandbox, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"},
                           "data": {"a": "b"}}, namespace="default")
    reconcile.run(sandbox.pk)
    assert pod(sandbox)["status"]["phase"] == "Running"


def test_it_names_a_missing_secret(sandbox: Sandbox) -> None:
    store.create(sandbox, pod_with({"name": "creds", "secret": {"secretName": "db"}}), namespace="default")
    reconcile.run(sandbox.pk)
    assert failed_mounts(sandbox) == ['MountVolume.SetUp failed for volume "creds" : secret "db" not found']


def test_an_optional_missing_configmap_does_not_hold_the_pod(sandbox: Sandbox) -> None:
    store.create(sandbox, pod_with({"name": "config", "configMap": {"name": "absent", "optional": True}}),
                 namespace="default")
    reconcile.run(sandbox.pk)
    assert pod(sandbox)["status"]["phase"] == "Running" and failed_mounts(sandbox) == []
