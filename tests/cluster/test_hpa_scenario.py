"""The autoscaler end to end through the store and the sandbox clock: load up, scale up; load off, wait, scale down."""

from typing import Any

from cluster import clock, kinds, load, reconcile, store
from cluster.models import KubeObject, Sandbox
from cluster.objects import condition

WEB = {"app": "web"}


def deployment() -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": WEB},
            "spec": {"replicas": 2, "selector": {"matchLabels": WEB},
                     "template": {"metadata": {"labels": WEB}, "spec": {"containers": [
                         {"name": "nginx", "image": "nginx:1.25", "resources": {"requests": {"cpu": "100m"}}}]}}}}


def service() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"selector": WEB, "ports": [{"port": 80, "targetPort": 80}]}}


def autoscaler(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "minReplicas": 1, "maxReplicas": 10, "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}], **spec}}


def kind(name: str, group: str = "") -> kinds.Kind:
    found = kinds.by_kind(group, name)
    assert found is not None
    return found


def replicas(sandbox: Sandbox) -> int:
    return int(store.get(sandbox, kind("Deployment", "apps"), "default", "web")["spec"]["replicas"])


def hpa(sandbox: Sandbox) -> dict[str, Any]:
    return store.get(sandbox, kind("HorizontalPodAutoscaler", "autoscaling"), "default", "web")


def running_pods(sandbox: Sandbox) -> int:
    pods = KubeObject.objects.filter(sandbox=sandbox, kind="Pod", group="").values_list("body", flat=True)
    return sum(1 for p in pods if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp"))


def step(sandbox: Sandbox, seconds: float = 15) -> None:
    clock.advance(sandbox, seconds)
    reconcile.run(sandbox.pk)


def rescale_messages(sandbox: Sandbox) -> list[str]:
    events = KubeObject.objects.filter(sandbox=sandbox, kind="Event").values_list("body", flat=True)
    return [e["message"] for e in sorted(events, key=lambda e: int(e["metadata"]["resourceVersion"]))
            if e["reason"] == "SuccessfulRescale"]


def start_load(sandbox: Sandbox, rps: float) -> None:
    """As a learner's write would, the change wakes the sandbox: kube-proxy spreads the load at once."""
    load.start_load(sandbox, "default", "web", rps)
    reconcile.run(sandbox.pk)


def web_under_autoscaling(sandbox: Sandbox, **spec: Any) -> None:
    for manifest in (deployment(), service(), autoscaler(**spec)):
        store.create(sandbox, manifest, namespace="default")
    reconcile.run(sandbox.pk)


def test_it_scales_up_towards_the_formula_under_load_and_down_only_after_the_window(sandbox: Sandbox) -> None:
    web_under_autoscaling(sandbox)
    assert running_pods(sandbox) == 2

    # 146 req/s over 2 pods: 73 each, 146m + the idle 1-2m of a 100m request, ~148% against a 50% target.
    start_load(sandbox, 146)
    step(sandbox)
    assert replicas(sandbox) == 4  # the formula says 6, but without behavior one sync at most doubles
    step(sandbox)
    assert replicas(sandbox) == 6  # 4 pods at ~74%: ceil(4 × 74 / 50) = 6
    for _ in range(4):
        step(sandbox)
    assert replicas(sandbox) == running_pods(sandbox) == 6  # ~50% each now: within the tolerance
    assert rescale_messages(sandbox)[:2] == [
        "New size: 4; reason: cpu resource utilization (percentage of request) above target",
        "New size: 6; reason: cpu resource utilization (percentage of request) above target"]

    load.stop_load(sandbox, "default", "web")
    reconcile.run(sandbox.pk)
    waited = 0
    while waited < 285:
        step(sandbox)
        waited += 15
        assert replicas(sandbox) == 6, f"scaled down after {waited}s"
    for _ in range(3):
        step(sandbox)
    assert replicas(sandbox) == 1
    assert rescale_messages(sandbox)[-1] == "New size: 1; reason: All metrics below target"


def test_it_reports_status_metrics_and_conditions(sandbox: Sandbox) -> None:
    web_under_autoscaling(sandbox)
    start_load(sandbox, 146)
    step(sandbox)

    status = hpa(sandbox)["status"]

    assert (status["currentReplicas"], status["desiredReplicas"]) == (2, 4)
    assert status["lastScaleTime"]
    utilization = status["currentMetrics"][0]["resource"]["current"]["averageUtilization"]
    assert 145 <= utilization <= 150
    able, active, limited = (condition(hpa(sandbox), t) for t in ("AbleToScale", "ScalingActive", "ScalingLimited"))
    assert able is not None and (able["status"], able["reason"]) == ("True", "SucceededRescale")
    assert active is not None and (active["status"], active["reason"]) == ("True", "ValidMetricFound")
    assert limited is not None and (limited["status"], limited["reason"]) == ("True", "ScaleUpLimit")


def test_it_steps_up_by_the_behavior_policies(sandbox: Sandbox) -> None:
    policies = {"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 15}]}}
    web_under_autoscaling(sandbox, behavior=policies)
    start_load(sandbox, 146)

    seen = []
    for _ in range(4):
        step(sandbox)
        seen.append(replicas(sandbox))

    assert seen == [3, 4, 5, 6]


def test_it_says_why_it_cannot_scale_pods_without_cpu_requests(sandbox: Sandbox) -> None:
    manifest = deployment()
    del manifest["spec"]["template"]["spec"]["containers"][0]["resources"]
    for obj in (manifest, autoscaler()):
        store.create(sandbox, obj, namespace="default")
    reconcile.run(sandbox.pk)
    step(sandbox)

    active = condition(hpa(sandbox), "ScalingActive")

    assert active is not None and (active["status"], active["reason"]) == ("False", "FailedGetResourceMetric")
    assert "missing request for cpu in container nginx of Pod web-" in active["message"]
    assert replicas(sandbox) == 2
