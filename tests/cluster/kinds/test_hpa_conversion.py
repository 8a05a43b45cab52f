"""autoscaling/v1 <-> v2: what `kubectl autoscale` posts becomes the stored v2 object and back."""

from cluster.kinds.hpa import to_v1, to_v2
from cluster.objects import Obj
from tests.cluster.kinds.manifests import admit


def v1_hpa(**spec: object) -> Obj:
    return {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "minReplicas": 2, "maxReplicas": 10, **spec}}


def test_it_turns_a_cpu_target_into_a_resource_metric() -> None:
    v2 = to_v2(v1_hpa(targetCPUUtilizationPercentage=50))
    assert v2["apiVersion"] == "autoscaling/v2"
    assert v2["spec"]["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]
    assert "targetCPUUtilizationPercentage" not in v2["spec"]


def test_it_round_trips_a_v1_object_through_the_stored_v2_form() -> None:
    original = v1_hpa(targetCPUUtilizationPercentage=50)
    stored = admit(to_v2(original))
    back = to_v1(stored)
    assert back["apiVersion"] == "autoscaling/v1"
    assert back["spec"] == original["spec"]
    assert back["status"] == {"currentReplicas": 0, "desiredReplicas": 0}


def test_it_gives_a_v1_object_without_target_the_default_80_percent() -> None:
    stored = admit(to_v2(v1_hpa()))
    assert to_v1(stored)["spec"]["targetCPUUtilizationPercentage"] == 80


def test_it_converts_the_current_cpu_utilization_both_ways() -> None:
    stored = admit(to_v2(v1_hpa(targetCPUUtilizationPercentage=50)))
    stored["status"] = {"currentReplicas": 3, "desiredReplicas": 4, "observedGeneration": 1, "currentMetrics": [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 72,
                                                                     "averageValue": "144m"}}}]}
    v1 = to_v1(stored)
    assert v1["status"] == {"observedGeneration": 1, "currentReplicas": 3, "desiredReplicas": 4,
                            "currentCPUUtilizationPercentage": 72}
    assert to_v2(v1)["status"]["currentMetrics"][0]["resource"]["current"] == {"averageUtilization": 72}


def test_it_does_not_touch_the_object_it_converts() -> None:
    original = v1_hpa(targetCPUUtilizationPercentage=50)
    converted = to_v2(original)
    converted["metadata"]["name"] = "changed"
    assert original["metadata"]["name"] == "web"
