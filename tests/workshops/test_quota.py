"""Per-sandbox quotas: a create past a limit is 403 Forbidden in ResourceQuota's words."""

import pytest

from cluster import errors, quota, sandboxes, store
from cluster.models import Sandbox


def test_it_lets_a_create_within_the_limit_through() -> None:
    assert quota.exceeded("pods", "", "web", {quota.PODS: 199, quota.OBJECTS: 10}) is None


def test_it_refuses_the_pod_past_the_limit_in_kubernetes_words() -> None:
    error = quota.exceeded("pods", "", "x", {quota.PODS: 200, quota.OBJECTS: 10}, quota.Limits(pods=200))
    assert error is not None and error.code == 403 and error.reason == "Forbidden"
    assert error.message == ('pods "x" is forbidden: exceeded quota: sandbox-quota, requested: pods=1, '
                             "used: pods=200, limited: pods=200")


def test_it_does_not_count_events() -> None:
    assert quota.resources("", "Event") == []
    assert quota.resources("", "Pod") == [quota.PODS, quota.OBJECTS]


def test_it_refuses_a_node_past_the_sandbox_limit(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quota, "LIMITS", quota.Limits(nodes=3))
    with pytest.raises(errors.StatusError) as refused:
        sandboxes.add_node(sandbox, "node-4")
    assert refused.value.code == 403
    assert "exceeded quota: sandbox-quota, requested: count/nodes=1, used: count/nodes=3" in refused.value.message


def test_it_refuses_objects_past_the_limit_through_the_api_store(sandbox: Sandbox,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    used = sandbox.kube_objects.exclude(kind="Event").count()
    monkeypatch.setattr(quota, "LIMITS", quota.Limits(objects=used + 1))
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "one"}}
    store.create(sandbox, config, namespace="default")
    with pytest.raises(errors.StatusError) as refused:
        store.create(sandbox, {**config, "metadata": {"name": "two"}}, namespace="default")
    assert refused.value.message.startswith('configmaps "two" is forbidden: exceeded quota: sandbox-quota')
