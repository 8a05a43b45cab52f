"""Strategic merge patch: the vectors kubectl 1.32 was seen sending (reference Appendix C, §2), then edge cases."""

from typing import Any

import pytest

from cluster.errors import StatusError
from cluster.kinds import Kind
from cluster.patch import PatchType, apply_patch

DEPLOYMENT = Kind(group="apps", version="v1", kind="Deployment", plural="deployments")
POD = Kind(group="", version="v1", kind="Pod", plural="pods")
SERVICE = Kind(group="", version="v1", kind="Service", plural="services")
CONFIGMAP = Kind(group="", version="v1", kind="ConfigMap", plural="configmaps", has_spec=False)


def smp(current: dict[str, Any], patch: dict[str, Any], kind: Kind = DEPLOYMENT) -> dict[str, Any]:
    return apply_patch(current, PatchType.STRATEGIC, patch, kind)


def nginx(**extra: Any) -> dict[str, Any]:
    return {"name": "nginx", "image": "nginx:1.25", **extra}


def deployment(*containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": list(containers)}},
            **spec,
        },
    }


def containers_of(obj: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = obj["spec"]["template"]["spec"]["containers"]
    return result


def test_it_leaves_the_object_unchanged_for_an_empty_patch() -> None:
    live = deployment(nginx())
    assert smp(live, {}) == live


def test_it_applies_the_reapplied_manifest_vector() -> None:
    live = deployment(
        nginx(
            env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            ports=[{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "protocol": "TCP"}],
        ),
        {"name": "sidecar", "image": "busybox"},
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    )
    patch = {
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}\n"}},
        "spec": {
            "strategy": {"$retainKeys": ["type"], "type": "Recreate"},
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [
                        {
                            "$setElementOrder/env": [{"name": "A"}],
                            "$setElementOrder/ports": [{"containerPort": 80}],
                            "env": [{"$patch": "delete", "name": "B"}],
                            "name": "nginx",
                            "ports": [{"$patch": "delete", "containerPort": 443}],
                        },
                        {"$patch": "delete", "name": "sidecar"},
                    ],
                }
            },
        },
    }
    result = smp(live, patch)
    assert result["spec"]["strategy"] == {"type": "Recreate"}
    assert containers_of(result) == [
        nginx(env=[{"name": "A", "value": "1"}], ports=[{"containerPort": 80, "protocol": "TCP"}])
    ]
    assert result["metadata"]["annotations"] == {"kubectl.kubernetes.io/last-applied-configuration": "{}\n"}


def test_it_never_changes_the_live_object() -> None:
    live = deployment(nginx(env=[{"name": "A", "value": "1"}]))
    before = repr(live)
    smp(
        live,
        {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "env": [{"name": "A", "value": "9"}]}]}}}},
    )
    assert repr(live) == before


def test_it_appends_env_in_set_element_order() -> None:
    live = deployment(nginx(env=[{"name": "A", "value": "1"}]))
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [
                        {
                            "$setElementOrder/env": [{"name": "A"}, {"name": "C"}],
                            "env": [{"name": "C", "value": "3"}],
                            "name": "nginx",
                        }
                    ],
                }
            }
        }
    }
    env = containers_of(smp(live, patch))[0]["env"]
    assert env == [{"name": "A", "value": "1"}, {"name": "C", "value": "3"}]


def test_it_sets_resource_limits_as_set_resources_does() -> None:
    live = deployment(nginx(resources={"requests": {"cpu": "100m"}}))
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "nginx", "resources": {"limits": {"cpu": "200m", "memory": "512Mi"}}}]}
            }
        }
    }
    resources = containers_of(smp(live, patch))[0]["resources"]
    assert resources == {"requests": {"cpu": "100m"}, "limits": {"cpu": "200m", "memory": "512Mi"}}


def test_it_changes_only_the_named_container_on_set_image() -> None:
    live = deployment(nginx(ports=[{"containerPort": 80}]), {"name": "sidecar", "image": "busybox"})
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}],
                    "containers": [{"image": "nginx:1.27", "name": "nginx"}],
                }
            }
        }
    }
    assert containers_of(smp(live, patch)) == [
        {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
        {"name": "sidecar", "image": "busybox"},
    ]


def test_it_adds_the_restarted_at_annotation_on_rollout_restart() -> None:
    live = deployment(nginx())
    stamp = "2026-11-25T16:45:00Z"
    patch = {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}}}}
    template = smp(live, patch)["spec"]["template"]
    assert template["metadata"] == {
        "labels": {"app": "web"},
        "annotations": {"kubectl.kubernetes.io/restartedAt": stamp},
    }
    assert containers_of(smp(live, patch)) == [nginx()]


def test_it_deletes_a_key_given_null() -> None:
    live = deployment(nginx(), paused=True)
    assert "paused" not in smp(live, {"spec": {"paused": None}})["spec"]


def test_it_puts_a_new_container_first_without_an_order_directive() -> None:
    live = deployment(nginx())
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "redis", "image": "redis"}]}}}}
    assert [c["name"] for c in containers_of(smp(live, patch))] == ["redis", "nginx"]


def test_it_orders_containers_by_set_element_order() -> None:
    live = deployment(nginx(), {"name": "b", "image": "b"}, {"name": "c", "image": "c"})
    patch = {
        "spec": {
            "template": {"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "nginx"}, {"name": "b"}]}}
        }
    }
    assert [c["name"] for c in containers_of(smp(live, patch))] == ["c", "nginx", "b"]


def test_it_merges_into_a_list_missing_from_the_live_object_without_storing_directives() -> None:
    live = deployment(nginx())
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "$setElementOrder/env": [{"name": "X"}],
                            "env": [{"name": "X", "value": "1"}, {"$patch": "delete", "name": "Y"}],
                        }
                    ]
                }
            }
        }
    }
    assert containers_of(smp(live, patch))[0]["env"] == [{"name": "X", "value": "1"}]


def test_it_replaces_lists_without_a_merge_key() -> None:
    live = deployment(nginx(args=["a", "b"]))
    live["spec"]["template"]["spec"]["tolerations"] = [{"key": "k1", "operator": "Exists"}]
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "tolerations": [{"key": "k2", "operator": "Exists"}],
                    "containers": [{"name": "nginx", "args": ["c"]}],
                }
            }
        }
    }
    result = smp(live, patch)
    assert result["spec"]["template"]["spec"]["tolerations"] == [{"key": "k2", "operator": "Exists"}]
    assert containers_of(result)[0]["args"] == ["c"]


def test_it_merges_finalizers_as_a_set() -> None:
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a", "b"]}}
    # Kubernetes' order: a live value comes first only when it preceded the patch value in the live list.
    assert smp(live, {"metadata": {"finalizers": ["b", "c"]}}, CONFIGMAP)["metadata"]["finalizers"] == ["a", "b", "c"]
    assert smp(live, {"metadata": {"finalizers": ["c"]}}, CONFIGMAP)["metadata"]["finalizers"] == ["c", "a", "b"]


def test_it_deletes_from_a_primitive_list() -> None:
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a", "b", "c"]}}
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]}}
    assert smp(live, patch, CONFIGMAP)["metadata"]["finalizers"] == ["a", "c"]


def test_it_merges_service_ports_by_port() -> None:
    live = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}, {"port": 443, "protocol": "TCP"}]},
    }
    result = smp(live, {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}, SERVICE)
    assert result["spec"]["ports"] == [
        {"port": 80, "targetPort": 9090, "protocol": "TCP"},
        {"port": 443, "protocol": "TCP"},
    ]


def test_it_merges_pod_conditions_by_type() -> None:
    live = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "PodScheduled", "status": "True"}]},
    }
    result = smp(live, {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}, POD)
    assert result["status"]["conditions"] == [
        {"type": "Ready", "status": "True"},
        {"type": "PodScheduled", "status": "True"},
    ]


def test_it_replaces_a_map_given_patch_replace() -> None:
    live = deployment(nginx(), strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}})
    result = smp(live, {"spec": {"strategy": {"$patch": "replace", "type": "Recreate"}}})
    assert result["spec"]["strategy"] == {"type": "Recreate"}


def test_it_empties_a_map_given_patch_delete() -> None:
    live = deployment(nginx(), strategy={"type": "Recreate"})
    assert smp(live, {"spec": {"strategy": {"$patch": "delete"}}})["spec"]["strategy"] == {}


def test_it_merges_as_usual_given_patch_merge() -> None:
    live = deployment(nginx(), strategy={"type": "Recreate"})
    result = smp(live, {"spec": {"strategy": {"$patch": "merge", "rollingUpdate": None}}})
    assert result["spec"]["strategy"] == {"type": "Recreate"}


def test_it_replaces_a_list_given_a_replace_element() -> None:
    live = deployment(nginx(env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]))
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "nginx", "env": [{"$patch": "replace"}, {"name": "Z", "value": "0"}]}]}
            }
        }
    }
    assert containers_of(smp(live, patch))[0]["env"] == [{"name": "Z", "value": "0"}]


def test_it_merges_owner_references_by_uid() -> None:
    live = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "ownerReferences": [{"uid": "1", "name": "a"}]},
    }
    result = smp(live, {"metadata": {"ownerReferences": [{"uid": "2", "name": "b"}]}}, CONFIGMAP)
    assert [ref["uid"] for ref in result["metadata"]["ownerReferences"]] == ["2", "1"]


def test_it_reports_a_missing_merge_key_as_kubernetes_words_it() -> None:
    live = deployment(nginx())
    with pytest.raises(StatusError) as caught:
        smp(live, {"spec": {"template": {"spec": {"containers": [{"image": "nginx:1.25"}]}}}})
    assert caught.value.code == 500
    assert caught.value.message == "map: map[image:nginx:1.25] does not contain declared merge key: name"


def test_it_rejects_a_key_outside_retain_keys() -> None:
    live = deployment(nginx())
    with pytest.raises(StatusError) as caught:
        smp(live, {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}})
    assert (caught.value.code, caught.value.message) == (400, "invalid patch format of retainKeys")


def test_it_rejects_a_body_that_is_not_an_object() -> None:
    with pytest.raises(StatusError) as caught:
        smp(deployment(nginx()), [{"op": "add"}])  # type: ignore[arg-type]
    assert caught.value.code == 400
    assert caught.value.reason == "BadRequest"
