"""PATCH in its four media types, and the subresources: status, scale, eviction, binding, finalize, token."""

import base64
import json
from typing import Any

import pytest

from cluster import clock
from tests.web.kubeapi.conftest import Api, configmap

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
PODS = "/api/v1/namespaces/default/pods"
REPLICASETS = "/apis/apps/v1/namespaces/default/replicasets"


def replicaset(name: str = "web", replicas: int = 2) -> dict[str, Any]:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}


def pod(name: str = "web", node: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "app", "image": "nginx:1.25"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


@pytest.fixture
def cfg(api: Api) -> dict[str, Any]:
    created: dict[str, Any] = api.post(CONFIGMAPS, configmap(a="1", b="2")).json()
    return created


def test_it_applies_a_merge_patch(api: Api, cfg: dict[str, Any]) -> None:
    response = api.patch(f"{CONFIGMAPS}/cfg", {"data": {"a": None, "c": "3"}})

    assert response.status_code == 200
    assert response.json()["data"] == {"b": "2", "c": "3"}


def test_it_applies_a_json_patch(api: Api, cfg: dict[str, Any]) -> None:
    response = api.patch(f"{CONFIGMAPS}/cfg", [{"op": "replace", "path": "/data/a", "value": "9"}],
                         "application/json-patch+json")

    assert response.json()["data"]["a"] == "9"


def test_it_applies_a_strategic_merge_patch_with_merge_keys(api: Api) -> None:
    api.post(REPLICASETS, replicaset())
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}

    response = api.patch(f"{REPLICASETS}/web", patch, "application/strategic-merge-patch+json")

    containers = response.json()["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("nginx", "nginx:1.27")]


def test_it_creates_a_missing_object_on_server_side_apply(api: Api) -> None:
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {k: v}\n"

    created = api.patch(f"{CONFIGMAPS}/applied?fieldManager=kubectl&force=false", manifest,
                        "application/apply-patch+yaml")
    again = api.patch(f"{CONFIGMAPS}/applied?fieldManager=kubectl", manifest.replace("k: v", "k: w"),
                      "application/apply-patch+yaml")

    assert created.status_code == 201
    assert again.status_code == 200 and again.json()["data"] == {"k": "w"}


def test_it_refuses_an_unknown_patch_type(api: Api, cfg: dict[str, Any]) -> None:
    response = api.patch(f"{CONFIGMAPS}/cfg", {"data": {}}, "application/json")

    assert response.status_code == 415
    assert "application/strategic-merge-patch+json" in response.json()["message"]


def test_it_answers_404_when_patching_a_missing_object(api: Api) -> None:
    assert api.patch(f"{CONFIGMAPS}/nope", {"data": {}}).status_code == 404


def test_it_honours_a_resource_version_in_a_patch_as_a_precondition(api: Api, cfg: dict[str, Any]) -> None:
    response = api.patch(f"{CONFIGMAPS}/cfg", {"metadata": {"resourceVersion": "1"}, "data": {"a": "x"}})

    assert response.status_code == 409


def test_it_does_not_persist_a_dry_run_patch(api: Api, cfg: dict[str, Any]) -> None:
    response = api.patch(f"{CONFIGMAPS}/cfg?dryRun=All", {"data": {"a": "x"}})

    assert response.json()["data"]["a"] == "x"
    assert api.get(f"{CONFIGMAPS}/cfg").json()["data"]["a"] == "1"


def test_it_writes_only_status_through_the_status_subresource(api: Api) -> None:
    api.post(REPLICASETS, replicaset())

    response = api.patch(f"{REPLICASETS}/web/status", {"spec": {"replicas": 9}, "status": {"replicas": 5}})

    assert response.json()["status"]["replicas"] == 5
    assert response.json()["spec"]["replicas"] == 2
    assert api.get(f"{REPLICASETS}/web/status").json()["status"]["replicas"] == 5


def test_it_keeps_status_out_of_a_main_resource_update(api: Api) -> None:
    created = api.post(REPLICASETS, replicaset()).json()

    response = api.put(f"{REPLICASETS}/web", {**created, "status": {"replicas": 7}})

    assert response.json()["status"]["replicas"] == 0


def test_it_reads_scale_as_an_autoscaling_scale(api: Api) -> None:
    api.post(REPLICASETS, replicaset(replicas=2))

    scale = api.get(f"{REPLICASETS}/web/scale").json()

    assert (scale["kind"], scale["apiVersion"]) == ("Scale", "autoscaling/v1")
    assert scale["spec"] == {"replicas": 2}
    assert scale["status"] == {"replicas": 0, "selector": "app=web"}


def test_it_scales_with_a_merge_patch_and_a_put(api: Api) -> None:
    api.post(REPLICASETS, replicaset(replicas=2))

    patched = api.patch(f"{REPLICASETS}/web/scale", {"spec": {"replicas": 5}})
    put = api.put(f"{REPLICASETS}/web/scale", {"kind": "Scale", "apiVersion": "autoscaling/v1",
                                               "metadata": {"name": "web"}, "spec": {"replicas": 3}})

    assert patched.json()["spec"]["replicas"] == 5
    assert put.json()["spec"]["replicas"] == 3
    assert api.get(f"{REPLICASETS}/web").json()["spec"]["replicas"] == 3


def test_it_refuses_a_negative_scale(api: Api) -> None:
    api.post(REPLICASETS, replicaset())

    response = api.patch(f"{REPLICASETS}/web/scale", {"spec": {"replicas": -1}})

    assert response.status_code == 422
    assert response.json()["details"]["causes"][0]["field"] == "spec.replicas"


def test_it_evicts_a_pod_with_its_grace_period(api: Api) -> None:
    api.post(PODS, pod(node="node-1"))
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "web", "namespace": "default"},
                "deleteOptions": {"gracePeriodSeconds": 10}}

    response = api.post(f"{PODS}/web/eviction", eviction)

    assert response.status_code == 201
    assert response.json()["status"] == "Success"
    assert api.get(f"{PODS}/web").json()["metadata"]["deletionGracePeriodSeconds"] == 10


def test_it_refuses_an_eviction_named_for_another_pod(api: Api) -> None:
    api.post(PODS, pod())

    response = api.post(f"{PODS}/web/eviction", {"apiVersion": "policy/v1", "kind": "Eviction",
                                                 "metadata": {"name": "other"}})

    assert response.status_code == 400


def test_it_binds_a_pod_to_a_node_once(api: Api) -> None:
    api.post(PODS, pod())
    binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "web"},
               "target": {"apiVersion": "v1", "kind": "Node", "name": "node-2"}}

    first = api.post(f"{PODS}/web/binding", binding)
    second = api.post(f"{PODS}/web/binding", binding)

    assert first.status_code == 201
    assert api.get(f"{PODS}/web").json()["spec"]["nodeName"] == "node-2"
    assert second.status_code == 409
    assert second.json()["message"] == ('Operation cannot be fulfilled on pods/binding "web": pod web is already '
                                        'assigned to node "node-2"')


def test_it_replaces_only_finalizers_through_finalize(api: Api) -> None:
    api.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})

    response = api.put("/api/v1/namespaces/dev/finalize", {"apiVersion": "v1", "kind": "Namespace",
                                                            "metadata": {"name": "dev", "labels": {"x": "y"}},
                                                            "spec": {"finalizers": []}})

    assert response.json()["spec"]["finalizers"] == []
    assert "x" not in response.json()["metadata"]["labels"]


def test_it_serves_the_namespace_object_and_its_status(api: Api) -> None:
    assert api.get("/api/v1/namespaces/default").json()["kind"] == "Namespace"
    assert api.get("/api/v1/namespaces/default/status").json()["status"]["phase"] == "Active"


def test_it_issues_a_service_account_token(api: Api) -> None:
    response = api.post("/api/v1/namespaces/default/serviceaccounts/default/token",
                        {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                         "spec": {"audiences": ["api"], "expirationSeconds": 3600}})

    assert response.status_code == 201
    payload = response.json()["status"]["token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["sub"] == "system:serviceaccount:default:default"
    assert claims["iat"] == int(clock.now(api.sandbox).timestamp())
    assert claims["aud"] == ["api"]


def test_it_answers_405_for_a_verb_a_subresource_does_not_serve(api: Api) -> None:
    api.post(PODS, pod())

    assert api.call("DELETE", f"{PODS}/web/status").status_code == 405
    assert api.get(f"{PODS}/web/eviction").status_code == 405
