"""apply_patch: JSON patch, merge patch, server-side apply, and the patch types it refuses."""

import json
from typing import Any

import pytest

from cluster.errors import StatusError
from cluster.kinds import Kind
from cluster.patch import PatchType, apply_patch

DEPLOYMENT = Kind(group="apps", version="v1", kind="Deployment", plural="deployments")


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"a": "1"}},
        "spec": {
            "replicas": 2,
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.26", "ports": [{"containerPort": 80}]}]},
            },
        },
    }


def failure(patch_type: str, body: Any) -> StatusError:
    with pytest.raises(StatusError) as caught:
        apply_patch(deployment(), patch_type, body, DEPLOYMENT)
    return caught.value


def test_it_replaces_a_field_with_a_json_patch() -> None:
    ops = [{"op": "replace", "path": "/spec/replicas", "value": 4}]
    assert apply_patch(deployment(), PatchType.JSON, ops, DEPLOYMENT)["spec"]["replicas"] == 4


def test_it_applies_the_rollout_undo_json_patch() -> None:
    template = {
        "metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
        "spec": {
            "containers": [{"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}], "resources": {}}]
        },
    }
    annotations = {"deployment.kubernetes.io/revision": "2"}
    ops = [
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]
    result = apply_patch(deployment(), PatchType.JSON, json.dumps(ops).encode(), DEPLOYMENT)
    assert result["spec"]["template"] == template
    assert result["metadata"]["annotations"] == annotations


def test_it_answers_422_when_a_json_patch_test_fails() -> None:
    error = failure(PatchType.JSON, [{"op": "test", "path": "/spec/replicas", "value": 3}])
    assert (error.code, error.reason) == (422, "Invalid")
    assert error.message == "the server rejected our request due to an error in our request"
    assert "is not equal to tested value 3" in error.details["causes"][0]["message"]


def test_it_answers_422_for_a_json_patch_path_that_is_not_there() -> None:
    error = failure(PatchType.JSON, [{"op": "replace", "path": "/spec/nope/deeper", "value": 1}])
    assert error.code == 422


def test_it_answers_400_for_a_malformed_json_patch() -> None:
    assert failure(PatchType.JSON, [{"op": "frobnicate", "path": "/a"}]).code == 400
    assert failure(PatchType.JSON, {"op": "add"}).code == 400
    assert failure(PatchType.JSON, b"[not json").code == 400


def test_it_merges_labels_with_a_merge_patch() -> None:
    result = apply_patch(deployment(), PatchType.MERGE, {"metadata": {"labels": {"x": "y"}}}, DEPLOYMENT)
    assert result["metadata"]["labels"] == {"app": "web", "x": "y"}


def test_it_scales_and_removes_keys_with_a_merge_patch() -> None:
    body = b'{"spec": {"replicas": 5}, "metadata": {"annotations": {"a": null}}}'
    result = apply_patch(deployment(), "application/merge-patch+json; charset=utf-8", body, DEPLOYMENT)
    assert result["spec"]["replicas"] == 5
    assert result["metadata"]["annotations"] == {}


def test_it_replaces_lists_with_a_merge_patch() -> None:
    body = {"spec": {"template": {"spec": {"containers": [{"name": "redis", "image": "redis"}]}}}}
    result = apply_patch(deployment(), PatchType.MERGE, body, DEPLOYMENT)
    assert result["spec"]["template"]["spec"]["containers"] == [{"name": "redis", "image": "redis"}]


def test_it_never_changes_the_live_object() -> None:
    live = deployment()
    apply_patch(live, PatchType.MERGE, {"spec": {"template": {"metadata": {"labels": {"b": "2"}}}}}, DEPLOYMENT)
    apply_patch(live, PatchType.JSON, [{"op": "add", "path": "/metadata/labels/c", "value": "3"}], DEPLOYMENT)
    assert live == deployment()


def test_it_answers_400_for_a_merge_patch_that_is_not_an_object() -> None:
    assert failure(PatchType.MERGE, [1, 2]).code == 400


def test_it_merges_a_server_side_apply_manifest_without_deleting() -> None:
    manifest = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""
    result = apply_patch(deployment(), PatchType.APPLY, manifest, DEPLOYMENT)
    assert result["spec"]["replicas"] == 3
    assert result["metadata"]["labels"] == {"app": "web"}
    assert result["spec"]["template"]["spec"]["containers"] == [
        {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}
    ]


def test_it_accepts_a_json_manifest_for_server_side_apply() -> None:
    manifest = json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": None}})
    result = apply_patch(deployment(), PatchType.APPLY, manifest.encode(), DEPLOYMENT)
    assert result["metadata"]["labels"] == {"app": "web"}


def test_it_answers_400_for_a_manifest_that_is_not_an_object() -> None:
    assert failure(PatchType.APPLY, "- a\n- b\n").code == 400
    assert failure(PatchType.APPLY, "a: [unclosed").code == 400


def test_it_answers_415_for_an_unknown_patch_type() -> None:
    error = failure("application/json", {"spec": {}})
    assert (error.code, error.reason) == (415, "UnsupportedMediaType")
    assert error.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/strategic-merge-patch+json, application/apply-patch+yaml"
    )
