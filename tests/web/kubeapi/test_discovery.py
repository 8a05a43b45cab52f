"""Version, discovery (legacy and aggregated) and the OpenAPI stubs, as kubectl reads them."""

from typing import Any

from tests.web.kubeapi.conftest import Api
from web.kubeapi import discovery

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
KUBECTL_ACCEPT = (f"{AGGREGATED},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                  "application/json")


def resource(resources: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in resources if r.get("name", r.get("resource")) == name)


def test_it_reports_a_version_within_one_minor_of_kubectl(api: Api) -> None:
    version = api.get("/version").json()

    assert version["gitVersion"].startswith("v1.37.")
    for field in ("major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion",
                  "compiler", "platform"):
        assert isinstance(version[field], str) and version[field]


def test_it_lists_the_core_version(api: Api) -> None:
    body = api.get("/api").json()

    assert body["kind"] == "APIVersions"
    assert body["versions"] == ["v1"]
    assert body["serverAddressByClientCIDRs"][0]["clientCIDR"] == "0.0.0.0/0"


def test_it_lists_groups_with_their_preferred_version(api: Api) -> None:
    groups = {g["name"]: g for g in api.get("/apis").json()["groups"]}

    assert groups["apps"]["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    assert api.get("/apis/apps").json()["kind"] == "APIGroup"


def test_it_lists_core_resources_with_short_names_categories_and_subresources(api: Api) -> None:
    resources = api.get("/api/v1").json()["resources"]

    pods = resource(resources, "pods")
    assert pods["shortNames"] == ["po"] and pods["categories"] == ["all"] and pods["namespaced"] is True
    assert pods["singularName"] == "pod" and "watch" in pods["verbs"]
    assert resource(resources, "pods/eviction") == {"name": "pods/eviction", "singularName": "", "namespaced": True,
                                                    "group": "policy", "version": "v1", "kind": "Eviction",
                                                    "verbs": ["create"]}
    assert resource(resources, "pods/status")["kind"] == "Pod"
    assert resource(resources, "namespaces")["namespaced"] is False


def test_it_describes_scale_as_an_autoscaling_scale(api: Api) -> None:
    resources = api.get("/apis/apps/v1").json()["resources"]

    scale = resource(resources, "replicasets/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")
    assert scale["verbs"] == ["get", "patch", "update"]


def test_it_serves_aggregated_discovery_with_its_exact_content_type(api: Api) -> None:
    response = api.get("/apis", accept=KUBECTL_ACCEPT)

    assert response["Content-Type"] == AGGREGATED
    apps = next(g for g in response.json()["items"] if g["metadata"]["name"] == "apps")
    replicasets = resource(apps["versions"][0]["resources"], "replicasets")
    assert replicasets["scope"] == "Namespaced" and replicasets["shortNames"] == ["rs"]
    scale = next(s for s in replicasets["subresources"] if s["subresource"] == "scale")
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}


def test_it_serves_the_core_group_aggregated_without_a_name(api: Api) -> None:
    body = api.get("/api", accept=KUBECTL_ACCEPT).json()

    assert len(body["items"]) == 1
    assert "name" not in body["items"][0]["metadata"]
    pods = resource(body["items"][0]["versions"][0]["resources"], "pods")
    assert pods["responseKind"] == {"group": "", "version": "v1", "kind": "Pod"}


def test_it_answers_legacy_discovery_to_a_v2beta1_only_client(api: Api) -> None:
    response = api.get("/apis", accept="application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")

    assert response.json()["kind"] == "APIGroupList"


def test_it_orders_versions_ga_before_beta_and_newest_first() -> None:
    ordered = sorted(["v1beta1", "v1", "v2", "v1alpha1", "v2beta2"], key=discovery.version_priority, reverse=True)

    assert ordered == ["v2", "v1", "v2beta2", "v1beta1", "v1alpha1"]


def test_it_answers_404_for_an_unknown_group_version(api: Api) -> None:
    assert api.get("/apis/apps/v9").status_code == 404
    assert api.get("/apis/nothing.example.com/v1").status_code == 404
    assert api.get("/api/v2").status_code == 404


def test_it_serves_an_empty_openapi_v2(api: Api) -> None:
    response = api.get("/openapi/v2")

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"


def test_it_indexes_every_group_version_in_openapi_v3(api: Api) -> None:
    paths = api.get("/openapi/v3").json()["paths"]

    assert "api/v1" in paths and "apis/apps/v1" in paths
    assert paths["apis/apps/v1"]["serverRelativeURL"].startswith("/openapi/v3/apis/apps/v1?hash=")


def test_it_declares_field_validation_on_each_kinds_patch(api: Api) -> None:
    url = api.get("/openapi/v3").json()["paths"]["apis/apps/v1"]["serverRelativeURL"]

    document = api.get(url).json()

    patch = document["paths"]["/apis/apps/v1/namespaces/{namespace}/replicasets/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "version": "v1", "kind": "ReplicaSet"}
    assert "fieldValidation" in {p["name"] for p in patch["parameters"]}
    assert "/api/v1/nodes/{name}" in api.get("/openapi/v3/api/v1").json()["paths"]
