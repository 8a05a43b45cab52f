"""The metrics.k8s.io API: discovery, NodeMetrics and PodMetrics lists and gets, selectors; HPA v1 conversion."""

from typing import Any

from cluster import load, reconcile, store
from cluster.models import Sandbox
from tests.web.kubeapi.conftest import Api

METRICS = "/apis/metrics.k8s.io/v1beta1"


def pod(name: str, **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {"app": name}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                     "resources": {"requests": {"cpu": "100m"}}}]}}


def running(api: Api, *pods: dict[str, Any]) -> None:
    for manifest in pods:
        store.create(api.sandbox, manifest, namespace="default")
    reconcile.run(api.sandbox.pk)


def test_it_lists_the_metrics_group_in_discovery(api: Api) -> None:
    groups = api.get("/apis").json()["groups"]
    resources = api.get(METRICS).json()["resources"]

    assert {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"} in [g["preferredVersion"] for g in groups]
    assert {(r["name"], r["kind"], r["namespaced"]) for r in resources} == {("nodes", "NodeMetrics", False),
                                                                            ("pods", "PodMetrics", True)}
    assert api.get("/apis/metrics.k8s.io").json()["name"] == "metrics.k8s.io"


def test_it_lists_pod_metrics_of_running_pods(api: Api) -> None:
    running(api, pod("web"), pod("db", app="db"))

    body = api.get(f"{METRICS}/namespaces/default/pods").json()

    assert body["kind"] == "PodMetricsList"
    assert [i["metadata"]["name"] for i in body["items"]] == ["db", "web"]
    item = body["items"][1]
    assert (item["window"], item["containers"][0]["name"]) == ("15s", "nginx")
    assert item["containers"][0]["usage"]["cpu"].endswith("m")
    assert item["containers"][0]["usage"]["memory"].endswith("Ki")


def test_it_filters_pod_metrics_by_label(api: Api) -> None:
    running(api, pod("web"), pod("db", app="db"))

    body = api.get(f"{METRICS}/namespaces/default/pods?labelSelector=app%3Dweb").json()

    assert [i["metadata"]["name"] for i in body["items"]] == ["web"]


def test_it_gets_one_pod_and_says_when_there_is_none(api: Api) -> None:
    running(api, pod("web"))

    assert api.get(f"{METRICS}/namespaces/default/pods/web").json()["kind"] == "PodMetrics"
    missing = api.get(f"{METRICS}/namespaces/default/pods/nope")
    assert missing.status_code == 404
    assert missing.json()["message"] == 'podmetrics.metrics.k8s.io "nope" not found'


def test_it_charges_traffic_to_the_pods_that_serve_it(api: Api) -> None:
    running(api, pod("web", app="web"))
    store.create(api.sandbox, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                               "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}, namespace="default")
    idle = api.get(f"{METRICS}/namespaces/default/pods/web").json()["containers"][0]["usage"]["cpu"]

    load.start_load(api.sandbox, "default", "web", 50)
    reconcile.run(api.sandbox.pk)

    busy = api.get(f"{METRICS}/namespaces/default/pods/web").json()["containers"][0]["usage"]["cpu"]
    assert int(busy.removesuffix("m")) - int(idle.removesuffix("m")) == 100


def test_it_lists_node_metrics_with_the_system_share(api: Api, sandbox: Sandbox) -> None:
    running(api)

    body = api.get(f"{METRICS}/nodes").json()

    assert [i["metadata"]["name"] for i in body["items"]] == ["node-1", "node-2", "node-3"]
    assert all(int(i["usage"]["cpu"].removesuffix("m")) >= 80 for i in body["items"])
    assert api.get(f"{METRICS}/nodes/node-1").json()["kind"] == "NodeMetrics"


def test_it_is_read_only(api: Api) -> None:
    assert api.post(f"{METRICS}/namespaces/default/pods", {}).status_code == 405


def test_it_serves_an_autoscaler_to_v1_clients_in_the_v1_form(api: Api) -> None:
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
          "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                   "minReplicas": 1, "maxReplicas": 5, "targetCPUUtilizationPercentage": 50}}

    created = api.post("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", v1)
    as_v2 = api.get("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web").json()
    listed = api.get("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers").json()

    assert created.status_code == 201
    assert created.json()["spec"]["targetCPUUtilizationPercentage"] == 50
    assert as_v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 50
    assert listed["items"][0]["apiVersion"] == "autoscaling/v1"
    assert "metrics" not in listed["items"][0]["spec"]


def test_it_patches_a_v1_autoscaler_in_its_v1_form(api: Api) -> None:
    path = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"
    api.post(path, {"metadata": {"name": "web"}, "spec": {
        "scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5,
        "targetCPUUtilizationPercentage": 50}})

    patched = api.patch(f"{path}/web", {"spec": {"targetCPUUtilizationPercentage": 70}})

    assert patched.json()["spec"]["targetCPUUtilizationPercentage"] == 70
