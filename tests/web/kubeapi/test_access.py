"""Who reaches which sandbox: the token in the path, a bearer token at the root, nothing else."""

import pytest
from django.test import Client

from cluster import sandboxes, store
from cluster.kinds import by_kind
from cluster.models import Profile, Sandbox
from tests.web.kubeapi.conftest import Api, configmap


def test_it_answers_401_for_a_wrong_token_in_the_path(api: Api) -> None:
    response = Client().get("/k8s/not-a-token/api/v1/namespaces")

    assert response.status_code == 401
    assert response.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                               "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


def test_it_answers_401_at_the_root_without_a_bearer_token(api: Api) -> None:
    assert Client().get("/api/v1/namespaces").status_code == 401
    assert Client().get("/api").status_code == 401


def test_it_serves_the_root_paths_with_a_bearer_token(api: Api) -> None:
    response = Client().get("/api/v1/namespaces", headers={"Authorization": f"Bearer {api.sandbox.token}"})

    assert response.status_code == 200
    assert "default" in {item["metadata"]["name"] for item in response.json()["items"]}


def test_it_never_shows_another_sandboxs_objects(api: Api) -> None:
    other = sandboxes.create("other", nodes=1, profile=Profile.FAST, speed=0)
    store.create(other, configmap("secret-plans"), kind=by_kind("", "ConfigMap"), namespace="default")

    mine = api.get("/api/v1/namespaces/default/configmaps/secret-plans")
    theirs = Client().get(f"/k8s/{other.token}/api/v1/namespaces/default/configmaps/secret-plans")

    assert mine.status_code == 404
    assert theirs.status_code == 200


def test_it_lets_anyone_probe_health_but_not_with_a_wrong_token(api: Api) -> None:
    assert Client().get("/healthz").content == b"ok"
    assert Client().get("/readyz").status_code == 200
    assert Client().get(f"/k8s/{api.sandbox.token}/livez").content == b"ok"
    assert Client().get("/k8s/wrong/healthz").status_code == 401


@pytest.mark.parametrize("path", ["/version/", "/api/", "/apis/", "/api/v1/", "/api/v1/namespaces/"])
def test_it_serves_trailing_slashes_without_redirecting(api: Api, path: str) -> None:
    response = Client().get(path, headers={"Authorization": f"Bearer {api.sandbox.token}"})

    assert response.status_code == 200


def test_it_accepts_writes_without_a_csrf_token(api: Api) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/k8s/{api.sandbox.token}/api/v1/namespaces/default/configmaps", configmap(),
                           content_type="application/json")

    assert response.status_code == 201


def test_it_answers_unknown_paths_under_the_prefix_with_a_status(api: Api) -> None:
    response = api.get("/nothing/here")

    assert response.status_code == 404
    assert response.json()["message"] == "the server could not find the requested resource"


def test_it_keeps_the_apps_own_pages_at_the_root(sandbox: Sandbox) -> None:
    assert Client().get("/").status_code == 200
