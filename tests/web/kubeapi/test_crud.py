"""Create, read, update, delete and list through the API, and every error row of the field report's §4."""

import json

import pytest

from cluster.models import KubeObject
from tests.web.kubeapi.conftest import Api, configmap

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def pod(name: str = "web", **labels: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {"app": name}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}


def test_it_creates_and_reads_back_an_object(api: Api) -> None:
    created = api.post(CONFIGMAPS, configmap())

    assert created.status_code == 201
    body = api.get(f"{CONFIGMAPS}/cfg").json()
    assert body["data"] == {"a": "b"}
    assert body["metadata"]["uid"] == created.json()["metadata"]["uid"]
    assert isinstance(body["metadata"]["resourceVersion"], str)


def test_it_names_an_object_from_generate_name(api: Api) -> None:
    response = api.post(CONFIGMAPS, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "cfg-"}})

    assert response.status_code == 201
    assert response.json()["metadata"]["name"].startswith("cfg-")


def test_it_treats_a_body_without_content_type_as_json(api: Api) -> None:
    response = api.post(CONFIGMAPS, json.dumps(configmap()), content_type="")

    assert response.status_code == 201


def test_it_reads_yaml_bodies_keeping_timestamps_as_strings(api: Api) -> None:
    body = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {when: 2024-01-01T00:00:00Z}\n"

    response = api.post(CONFIGMAPS, body, content_type="application/yaml")

    assert response.status_code == 201
    assert response.json()["data"] == {"when": "2024-01-01T00:00:00Z"}


def test_it_fills_in_a_missing_kind_and_api_version_from_the_url(api: Api) -> None:
    response = api.post(CONFIGMAPS, {"metadata": {"name": "bare"}})

    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["apiVersion"]) == ("ConfigMap", "v1")


def test_it_lists_with_kind_resource_version_and_items(api: Api) -> None:
    api.post(CONFIGMAPS, configmap("one"))

    body = api.get(CONFIGMAPS).json()

    assert body["kind"] == "ConfigMapList" and body["apiVersion"] == "v1"
    newest = KubeObject.objects.order_by("-resource_version")[0].resource_version
    assert int(body["metadata"]["resourceVersion"]) == newest
    assert [i["metadata"]["name"] for i in body["items"]] == ["one"]


def test_it_never_omits_items_from_an_empty_list(api: Api) -> None:
    assert api.get("/api/v1/namespaces/nowhere/configmaps").json()["items"] == []


def test_it_lists_across_namespaces(api: Api) -> None:
    api.post("/api/v1/namespaces/kube-system/configmaps", configmap("sys"))
    api.post(CONFIGMAPS, configmap("mine"))

    names = {i["metadata"]["name"] for i in api.get("/api/v1/configmaps").json()["items"]}

    assert {"sys", "mine"} <= names


def test_it_filters_by_label_and_field_selectors(api: Api) -> None:
    api.post("/api/v1/namespaces/default/pods", pod("a", app="web", tier="front"))
    api.post("/api/v1/namespaces/default/pods", pod("b", app="db"))

    def names(query: str) -> list[str]:
        return [i["metadata"]["name"] for i in api.get(f"/api/v1/namespaces/default/pods?{query}").json()["items"]]

    assert names("labelSelector=app%3Dweb") == ["a"]
    assert names("labelSelector=app+in+(web,db),!tier") == ["b"]
    assert names("fieldSelector=metadata.name%3Db") == ["b"]
    assert names("fieldSelector=status.phase%21%3DRunning") == ["a", "b"]


def test_it_refuses_an_unsupported_field_selector(api: Api) -> None:
    response = api.get(f"{CONFIGMAPS}?fieldSelector=data.a%3Db")

    assert response.status_code == 400
    assert response.json()["message"] == "field label not supported: data.a"


def test_it_updates_with_put_and_rejects_a_stale_resource_version(api: Api) -> None:
    created = api.post(CONFIGMAPS, configmap()).json()
    changed = {**created, "data": {"a": "c"}}

    first = api.put(f"{CONFIGMAPS}/cfg", changed)
    second = api.put(f"{CONFIGMAPS}/cfg", changed)

    assert first.status_code == 200 and first.json()["data"] == {"a": "c"}
    assert second.status_code == 409
    assert second.json()["reason"] == "Conflict"
    assert second.json()["message"] == ('Operation cannot be fulfilled on configmaps "cfg": the object has been '
                                        "modified; please apply your changes to the latest version and try again")


def test_it_deletes_and_answers_with_a_success_status(api: Api) -> None:
    uid = api.post(CONFIGMAPS, configmap()).json()["metadata"]["uid"]

    response = api.delete(f"{CONFIGMAPS}/cfg", {"propagationPolicy": "Background"})

    assert response.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                               "details": {"name": "cfg", "group": "", "kind": "configmaps", "uid": uid}}
    assert api.get(f"{CONFIGMAPS}/cfg").status_code == 404


def test_it_answers_a_pod_delete_with_the_terminating_pod(api: Api) -> None:
    api.post("/api/v1/namespaces/default/pods", {**pod(), "spec": {**pod()["spec"], "nodeName": "node-1"}})  # type: ignore[dict-item]

    response = api.delete("/api/v1/namespaces/default/pods/web?gracePeriodSeconds=30")

    assert response.status_code == 200
    assert response.json()["kind"] == "Pod"
    assert response.json()["metadata"]["deletionGracePeriodSeconds"] == 30


def test_it_checks_delete_preconditions(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())

    response = api.delete(f"{CONFIGMAPS}/cfg", {"preconditions": {"uid": "not-the-uid"}})

    assert response.status_code == 409
    assert api.get(f"{CONFIGMAPS}/cfg").status_code == 200


def test_it_deletes_a_collection_by_selector(api: Api) -> None:
    api.post(CONFIGMAPS, {**configmap("keep"), "metadata": {"name": "keep", "labels": {"x": "1"}}})
    api.post(CONFIGMAPS, {**configmap("drop"), "metadata": {"name": "drop", "labels": {"x": "2"}}})

    response = api.call("DELETE", f"{CONFIGMAPS}?labelSelector=x%3D2")

    assert [i["metadata"]["name"] for i in response.json()["items"]] == ["drop"]
    assert [i["metadata"]["name"] for i in api.get(CONFIGMAPS).json()["items"]] == ["keep"]


def test_it_validates_but_does_not_persist_a_dry_run(api: Api) -> None:
    before = api.get(CONFIGMAPS).json()["metadata"]["resourceVersion"]

    created = api.post(f"{CONFIGMAPS}?dryRun=All", configmap())

    assert created.status_code == 201
    assert api.get(f"{CONFIGMAPS}/cfg").status_code == 404
    assert api.get(CONFIGMAPS).json()["metadata"]["resourceVersion"] == before
    assert api.post(f"{CONFIGMAPS}?dryRun=Some", configmap()).status_code == 422


def test_it_validates_a_dry_run_delete_without_deleting(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())

    response = api.delete(f"{CONFIGMAPS}/cfg?dryRun=All")

    assert response.status_code == 200
    assert api.get(f"{CONFIGMAPS}/cfg").status_code == 200


# --- §4: the error rows ---------------------------------------------------------------------

def test_it_answers_404_for_a_missing_object_with_details(api: Api) -> None:
    response = api.get("/apis/apps/v1/namespaces/default/replicasets/nope")

    assert response.status_code == 404
    assert response.json()["message"] == 'replicasets.apps "nope" not found'
    assert response.json()["details"] == {"name": "nope", "group": "apps", "kind": "replicasets"}


@pytest.mark.parametrize("path", ["/api/v1/widgets", "/api/v1/namespaces/default/widgets",
                                  "/api/v1/namespaces/default/pods/web/nonsense", "/api/v1/nodes/n/a/b",
                                  "/apis/apps/v1/replicasets/web", "/api/v1/namespaces/default/nodes"])
def test_it_answers_404_for_an_unknown_resource_path(api: Api, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 404
    assert response.json()["message"] == "the server could not find the requested resource"


def test_it_answers_404_when_creating_into_a_missing_namespace(api: Api) -> None:
    response = api.post("/api/v1/namespaces/nowhere/configmaps", configmap())

    assert response.status_code == 404
    assert response.json()["message"] == 'namespaces "nowhere" not found'


def test_it_answers_409_already_exists(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())

    response = api.post(CONFIGMAPS, configmap())

    assert response.status_code == 409
    assert (response.json()["reason"], response.json()["message"]) == ("AlreadyExists",
                                                                       'configmaps "cfg" already exists')


def test_it_answers_422_with_causes(api: Api) -> None:
    response = api.post("/api/v1/namespaces/default/pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {},
                                                            "spec": {"containers": [{"name": "a", "image": "x"}]}})

    assert response.status_code == 422
    body = response.json()
    assert body["reason"] == "Invalid" and body["details"]["kind"] == "Pod"
    assert {"field": "metadata.name", "reason": "FieldValueRequired",
            "message": "Required value: name or generateName is required"} in body["details"]["causes"]


def test_it_answers_400_when_the_body_disagrees_with_the_url(api: Api) -> None:
    wrong_kind = api.post(CONFIGMAPS, {**configmap(), "kind": "Secret"})
    wrong_version = api.post(CONFIGMAPS, {**configmap(), "apiVersion": "apps/v1"})
    wrong_namespace = api.post(CONFIGMAPS, configmap(namespace="kube-system"))

    assert [r.status_code for r in (wrong_kind, wrong_version, wrong_namespace)] == [400, 400, 400]
    assert wrong_namespace.json()["message"] == ("the namespace of the provided object does not match the "
                                                 "namespace sent on the request")
    assert "does not match the expected API version (v1)" in wrong_version.json()["message"]


def test_it_answers_415_for_an_unknown_body_type(api: Api) -> None:
    response = api.post(CONFIGMAPS, "a=b", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["reason"] == "UnsupportedMediaType"
    assert response.json()["message"].startswith("the body of the request was in an unknown format - accepted "
                                                 "media types include: application/json, application/yaml")


def test_it_answers_413_for_a_body_over_3_mib(api: Api) -> None:
    response = api.post(CONFIGMAPS, configmap(big="x" * (3 * 1024 * 1024)))

    assert response.status_code == 413
    assert response.json()["reason"] == "RequestEntityTooLarge"


@pytest.mark.parametrize(("body", "content_type", "says"), [
    ("{not json", "application/json", "json parse error"),
    ("", "application/json", "unexpected end of JSON input"),
    ("a: [b", "application/yaml", "error converting YAML to JSON"),
    ("---\na: 1\n---\nb: 2\n", "application/yaml", "error converting YAML to JSON"),
    ('{"x": NaN}', "application/json", "json parse error"),
    ("[1, 2]", "application/json", "must be a ConfigMap object"),
])
def test_it_answers_400_for_a_malformed_body(api: Api, body: str, content_type: str, says: str) -> None:
    response = api.post(CONFIGMAPS, body, content_type=content_type)

    assert response.status_code == 400
    assert says in response.json()["message"]


def test_it_answers_405_for_a_verb_the_resource_does_not_serve(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())

    on_object = api.post(f"{CONFIGMAPS}/cfg", configmap())
    across_namespaces = api.post("/api/v1/configmaps", configmap())

    assert on_object.status_code == across_namespaces.status_code == 405
    assert on_object.json()["message"] == "the server does not allow this method on the requested resource"
