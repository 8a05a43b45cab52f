"""fieldValidation: unknown fields are refused (Strict), warned about (Warn, the default) or dropped (Ignore)."""

import pytest

from tests.web.kubeapi.conftest import Api
from web.kubeapi import fieldvalidation

PODS = "/api/v1/namespaces/default/pods"


def pod_with_typos() -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labelz": {"a": "b"}},
            "spec": {"containers": [{"name": "app", "image": "nginx", "imagePullPolice": "Always"}], "replica": 3}}


def test_it_finds_unknown_fields_by_their_path_and_drops_them() -> None:
    pod = pod_with_typos()

    found = fieldvalidation.unknown_fields(pod, "V1Pod")

    assert found == ["metadata.labelz", "spec.containers[0].imagePullPolice", "spec.replica"]
    assert pod["spec"] == {"containers": [{"name": "app", "image": "nginx"}]}


def test_it_accepts_any_keys_inside_maps() -> None:
    obj = {"metadata": {"labels": {"anything/goes": "x"}, "annotations": {"a": "b"}},
           "spec": {"selector": {"x": "y"}, "ports": [{"port": 80, "targetPort": "http"}]}}

    assert fieldvalidation.unknown_fields(obj, "V1Service") == []


def test_it_refuses_unknown_fields_when_strict(api: Api) -> None:
    response = api.post(f"{PODS}?fieldValidation=Strict", pod_with_typos())

    assert response.status_code == 400
    assert response.json()["message"] == (
        'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.labelz", '
        'unknown field "spec.containers[0].imagePullPolice", unknown field "spec.replica"')


def test_it_warns_by_default_and_stores_without_the_unknown_fields(api: Api) -> None:
    response = api.post(PODS, pod_with_typos())

    assert response.status_code == 201
    assert response["Warning"].startswith('299 - "unknown field \\"metadata.labelz\\""')
    stored = api.get(f"{PODS}/web").json()
    assert "replica" not in stored["spec"] and "labelz" not in stored["metadata"]


def test_it_drops_unknown_fields_silently_when_ignoring(api: Api) -> None:
    response = api.post(f"{PODS}?fieldValidation=Ignore", pod_with_typos())

    assert response.status_code == 201
    assert not response.has_header("Warning")


def test_it_checks_the_result_of_a_patch(api: Api) -> None:
    api.post(PODS, {**pod_with_typos(), "metadata": {"name": "web"}})

    response = api.call("PATCH", f"{PODS}/web?fieldValidation=Strict", {"spec": {"nodeSelecter": {"a": "b"}}},
                        "application/merge-patch+json")

    assert response.status_code == 400
    assert 'unknown field "spec.nodeSelecter"' in response.json()["message"]


def test_it_refuses_an_unknown_policy(api: Api) -> None:
    response = api.post(f"{PODS}?fieldValidation=Loose", pod_with_typos())

    assert response.status_code == 422
    assert response.json()["details"]["causes"][0]["field"] == "fieldValidation"


@pytest.mark.parametrize("api_version_kind", [("v1", "Pod"), ("apps/v1", "Deployment"), ("v1", "Service"),
                                              ("batch/v1", "CronJob"), ("v1", "ConfigMap")])
def test_it_has_a_schema_for_the_kinds_learners_use(api_version_kind: tuple[str, str]) -> None:
    from web.kubeapi import schema

    assert schema.root_type(*api_version_kind) is not None
