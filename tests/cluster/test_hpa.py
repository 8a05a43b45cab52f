"""The autoscaler controller on its own: when it syncs, what it writes, and what it says when it cannot."""

from datetime import timedelta
from typing import Any

from cluster.actions import Emit, Update, WakeAt
from cluster.controllers import hpa as controller
from cluster.controllers.hpa_behavior import HISTORY_ANNOTATION, History
from cluster.objects import Obj, condition
from tests.builders import T0, new_replicaset, stamp, state_of
from tests.cluster.traffic_builders import running_pod


def new_hpa(target: str = "web", *, synced: Any = None, **spec: Any) -> Obj:
    annotations = {HISTORY_ANNOTATION: History(synced, [(synced, 2)] if synced else []).to_json()}
    return stamp({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                  "metadata": {"name": "web", "namespace": "default", "annotations": annotations},
                  "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": target},
                           "minReplicas": 1, "maxReplicas": 10, "metrics": [{"type": "Resource", "resource": {
                               "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}],
                           **spec},
                  "status": {"currentReplicas": 0, "desiredReplicas": 0}})


def loaded_web(rps: str) -> list[Obj]:
    rs = new_replicaset("web", replicas=2, cpu="100m")
    since = T0 - timedelta(minutes=10)
    return [rs, *(running_pod(f"web-{i}", rps=rps, owner=rs, since=since) for i in "ab")]


def test_it_does_nothing_without_autoscalers() -> None:
    assert controller.reconcile(state_of(*loaded_web("75"))) == []


def test_it_waits_for_the_next_sync_period() -> None:
    state = state_of(new_hpa(synced=T0), *loaded_web("75"), now=T0 + timedelta(seconds=10))

    assert controller.reconcile(state) == [WakeAt(T0 + timedelta(seconds=15))]


def test_it_scales_the_target_and_says_so() -> None:
    actions = controller.reconcile(state_of(new_hpa(), *loaded_web("75")))

    target, hpa = [a.obj for a in actions if isinstance(a, Update)]
    events = [(a.reason, a.message) for a in actions if isinstance(a, Emit)]
    assert target["spec"]["replicas"] == 4  # the formula says ceil(2 × 151/50) = 7; one sync may only double
    assert events == [("SuccessfulRescale",
                       "New size: 4; reason: cpu resource utilization (percentage of request) above target")]
    assert (hpa["status"]["currentReplicas"], hpa["status"]["desiredReplicas"]) == (2, 4)
    assert WakeAt(T0 + timedelta(seconds=15)) in actions


def test_it_writes_nothing_more_when_run_again_on_what_it_wrote() -> None:
    hpa = next(a.obj for a in controller.reconcile(state_of(new_hpa(), *loaded_web("25")))
               if isinstance(a, Update) and a.obj["kind"] == "HorizontalPodAutoscaler")

    again = controller.reconcile(state_of(hpa, *loaded_web("25")))

    assert again == [WakeAt(T0 + timedelta(seconds=15))]


def test_it_reports_a_missing_target() -> None:
    actions = controller.reconcile(state_of(new_hpa("nope")))

    hpa = next(a.obj for a in actions if isinstance(a, Update))
    able = condition(hpa, "AbleToScale")
    assert able is not None and (able["status"], able["reason"]) == ("False", "FailedGetScale")
    assert [(a.type, a.reason, a.message) for a in actions if isinstance(a, Emit)] == [
        ("Warning", "FailedGetScale", 'replicasets.apps "nope" not found')]


def test_it_brings_a_target_back_inside_min_and_max() -> None:
    web = loaded_web("25")
    web[0]["spec"]["replicas"] = 12

    target = next(a.obj for a in controller.reconcile(state_of(new_hpa(), *web))
                  if isinstance(a, Update) and a.obj["kind"] == "ReplicaSet")

    assert target["spec"]["replicas"] == 10


def test_it_does_not_scale_a_target_scaled_to_zero() -> None:
    web = loaded_web("25")
    web[0]["spec"]["replicas"] = 0

    hpa = next(a.obj for a in controller.reconcile(state_of(new_hpa(), *web)) if isinstance(a, Update))

    active = condition(hpa, "ScalingActive")
    assert active is not None and (active["status"], active["reason"]) == ("False", "ScalingDisabled")


def test_it_fails_pods_metrics_for_want_of_a_custom_metrics_api() -> None:
    metric = {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"},
                                       "target": {"type": "AverageValue", "averageValue": "10"}}}

    actions = controller.reconcile(state_of(new_hpa(metrics=[metric]), *loaded_web("25")))

    reasons = [a.reason for a in actions if isinstance(a, Emit)]
    assert reasons == ["FailedGetPodsMetric", "FailedComputeMetricsReplicas"]

