"""POST pods/<name>/eviction against PodDisruptionBudgets: the answers kubectl drain and clients read."""

from typing import Any

from cluster import reconcile
from tests.web.kubeapi.conftest import Api

PODS = "/api/v1/namespaces/default/pods"
BUDGETS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets"


def pod(name: str, node: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
            "spec": {"nodeName": node, "containers": [{"name": "nginx", "image": "nginx:1.25"}]}}


def eviction(name: str) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name, "namespace": "default"}}


def running_with_budget(api: Api, **spec: Any) -> None:
    reconcile.run(api.sandbox.pk)
    for name, node in (("web-a", "node-1"), ("web-b", "node-2")):
        api.post(PODS, pod(name, node))
    api.post(BUDGETS, {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
                       "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}})
    reconcile.run(api.sandbox.pk)


def test_it_answers_429_with_the_disruption_budget_cause_when_no_disruption_is_allowed(api: Api) -> None:
    running_with_budget(api, minAvailable=2)

    response = api.post(f"{PODS}/web-a/eviction", eviction("web-a"))

    assert response.status_code == 429
    assert response.json() == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "Cannot evict pod as it would violate the pod's disruption budget.",
        "reason": "TooManyRequests", "code": 429,
        "details": {"causes": [{"reason": "DisruptionBudget",
                                "message": "The disruption budget web needs 2 healthy pods and has 2 currently"}]}}
    assert "deletionTimestamp" not in api.get(f"{PODS}/web-a").json()["metadata"]


def test_it_evicts_within_the_budget_and_spends_it(api: Api) -> None:
    running_with_budget(api, minAvailable=1)

    response = api.post(f"{PODS}/web-a/eviction", eviction("web-a"))

    assert response.status_code == 201
    assert api.get(f"{PODS}/web-a").json()["metadata"]["deletionTimestamp"]
    status = api.get(f"{BUDGETS}/web").json()["status"]
    assert status["disruptionsAllowed"] == 0 and list(status["disruptedPods"]) == ["web-a"]


def test_it_does_not_spend_the_budget_on_a_dry_run(api: Api) -> None:
    running_with_budget(api, minAvailable=1)

    response = api.post(f"{PODS}/web-a/eviction?dryRun=All", eviction("web-a"))

    assert response.status_code == 201
    assert "deletionTimestamp" not in api.get(f"{PODS}/web-a").json()["metadata"]
    assert api.get(f"{BUDGETS}/web").json()["status"]["disruptionsAllowed"] == 1


def test_it_refuses_a_pod_two_budgets_select(api: Api) -> None:
    running_with_budget(api, minAvailable=1)
    api.post(BUDGETS, {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "all"},
                       "spec": {"selector": {}, "maxUnavailable": 1}})

    response = api.post(f"{PODS}/web-a/eviction", eviction("web-a"))

    assert response.status_code == 500
    assert response.json()["message"] == ("Internal error occurred: This pod has more than one "
                                          "PodDisruptionBudget, which the eviction subresource does not support.")
