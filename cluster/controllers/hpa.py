"""HorizontalPodAutoscaler controller: set a workload's replicas from its pods' load.

As upstream's pkg/controller/podautoscaler, each HPA is synced every 15 s of sandbox time:
1. read the target's scale (`spec.replicas` of the Deployment, ReplicaSet, StatefulSet or
   ReplicationController named by `scaleTargetRef`) and its pods (by the target's selector);
2. outside `minReplicas`..`maxReplicas`, go straight back inside; otherwise ask each metric
   for a replica count (`hpa_replicas`: the formula with its 0.1 tolerance) and take the
   largest, then stabilize and rate-limit it (`hpa_behavior`);
3. if the answer differs, write the target's `spec.replicas` (what the scale subresource
   does) and emit `SuccessfulRescale`;
4. write the status: currentReplicas, desiredReplicas, currentMetrics, lastScaleTime and
   the conditions AbleToScale, ScalingActive, ScalingLimited, with upstream's reasons.
The memory upstream keeps in process (recommendations, scale events, the last sync) is in
the `kubelab.io/hpa-history` annotation, so a rerun on the same state does nothing.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cluster import selectors
from cluster.actions import Action, Emit, Update, WakeAt
from cluster.controllers import hpa_behavior as behavior
from cluster.controllers import hpa_metrics
from cluster.objects import Obj, copy, labels_of, meta, name_of, namespace_of, rfc3339, set_condition, split_api_version
from cluster.state import ClusterState

COMPONENT = "horizontal-pod-autoscaler"
SYNC_PERIOD = timedelta(seconds=15)
# Kinds with a scale subresource, by group: what scaleTargetRef may name.
SCALABLE = {("apps", "Deployment"): "deployments.apps", ("apps", "ReplicaSet"): "replicasets.apps",
            ("apps", "StatefulSet"): "statefulsets.apps", ("", "ReplicationController"): "replicationcontrollers"}


@dataclass
class Sync:
    """One sync of one HPA: the copy being changed, and what else it decided to do."""

    hpa: Obj
    state: ClusterState
    history: behavior.History
    actions: list[Action] = field(default_factory=list)

    def condition(self, kind: str, status: bool, reason: str, message: str) -> None:
        set_condition(self.hpa.setdefault("status", {}),
                      {"type": kind, "status": "True" if status else "False", "lastTransitionTime":
                       rfc3339(self.state.now), "reason": reason, "message": message})

    def event(self, reason: str, message: str, warning: bool = False) -> None:
        self.actions.append(Emit(self.hpa, reason, message, COMPONENT, "Warning" if warning else "Normal"))


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for hpa in state.of_kind("HorizontalPodAutoscaler", "autoscaling"):
        if not hpa["metadata"].get("deletionTimestamp"):
            actions += sync_when_due(hpa, state)
    return actions


def sync_when_due(hpa: Obj, state: ClusterState) -> list[Action]:
    history = behavior.History.of(hpa)
    if history.synced is not None and state.now < history.synced + SYNC_PERIOD:
        return [WakeAt(history.synced + SYNC_PERIOD)]
    current = Sync(copy(hpa), state, history)
    reconcile_autoscaler(current)
    history.synced = state.now
    meta(current.hpa).setdefault("annotations", {})[behavior.HISTORY_ANNOTATION] = history.to_json()
    return [*current.actions, Update(current.hpa), WakeAt(state.now + SYNC_PERIOD)]


def spec_of(sync: Sync) -> dict[str, Any]:
    spec: dict[str, Any] = sync.hpa.get("spec") or {}
    return spec


def reconcile_autoscaler(sync: Sync) -> None:
    target = scale_target(sync)
    if target is None:
        return
    sync.condition("AbleToScale", True, "SucceededGetScale", "the HPA controller was able to get the target's "
                   "current scale")
    current = int((target.get("spec") or {}).get("replicas", 1))
    behavior.remember_initial(sync.history, current, sync.state.now)
    spec = spec_of(sync)
    low, high = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", 1))
    if current == 0 and low != 0:
        sync.condition("ScalingActive", False, "ScalingDisabled", "scaling is disabled since the replica count of "
                       "the target is zero")
        set_status(sync, current, 0, None, rescaled=False)
    elif current > high:
        rescale(sync, target, current, high, "Current number of replicas above Spec.MaxReplicas", None)
    elif current < low:
        rescale(sync, target, current, low, "Current number of replicas below Spec.MinReplicas", None)
    else:
        scale_by_metrics(sync, target, current, low, high)


def scale_target(sync: Sync) -> Obj | None:
    """The object scaleTargetRef names, or None after reporting FailedGetScale."""
    ref = spec_of(sync).get("scaleTargetRef") or {}
    group, _ = split_api_version(str(ref.get("apiVersion", "")))
    kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
    if (group, kind) not in SCALABLE:
        group = next((g for g, k in SCALABLE if k == kind and not ref.get("apiVersion")), group)
    resource = SCALABLE.get((group, kind))
    target = sync.state.get(kind, namespace_of(sync.hpa), name, group) if resource else None
    if target is not None:
        return target
    error = (f'{resource} "{name}" not found' if resource
             else f'no matches for kind "{kind}" in group "{group}"')
    sync.event("FailedGetScale", error, warning=True)
    sync.condition("AbleToScale", False, "FailedGetScale", f"the HPA controller was unable to get the target's "
                   f"current scale: {error}")
    return None


def pods_of(target: Obj, state: ClusterState) -> list[Obj]:
    selector = (target.get("spec") or {}).get("selector") or {}
    if target.get("kind") == "ReplicationController":
        matcher = selectors.from_equality_map(selector)
    else:
        matcher = selectors.from_label_selector(selector)
    if matcher.empty:
        return []
    return [p for p in state.of_kind("Pod", "", namespace_of(target)) if matcher.matches(labels_of(p))]


def scale_by_metrics(sync: Sync, target: Obj, current: int, low: int, high: int) -> None:
    outcome = hpa_metrics.replicas_for_metrics(spec_of(sync).get("metrics") or [], current,
                                               pods_of(target, sync.state), sync.state.now)
    for failure in outcome.failures:
        sync.event(failure.reason, failure.message, warning=True)
    if outcome.replicas is None:
        first = outcome.failures[0]
        sync.condition("ScalingActive", False, first.reason, f"the HPA was unable to compute the replica count: "
                       f"{first.message}")
        set_status(sync, current, int((sync.hpa.get("status") or {}).get("desiredReplicas", 0)), outcome.statuses,
                   rescaled=False)
        sync.event("FailedComputeMetricsReplicas", outcome.error, warning=True)
        return
    sync.condition("ScalingActive", True, "ValidMetricFound", f"the HPA was able to successfully calculate a replica "
                   f"count from {outcome.metric}")
    normalize_and_scale(sync, target, current, outcome, low, high)


def normalize_and_scale(sync: Sync, target: Obj, current: int, outcome: hpa_metrics.Outcome, low: int,
                        high: int) -> None:
    desired = outcome.replicas if outcome.replicas is not None else current
    reason = f"{outcome.metric} above target" if desired > current else "All metrics below target"
    rules = spec_of(sync).get("behavior")
    if rules is None:
        result = behavior.normalize_default(sync.history, current, desired, low, high, sync.state.now)
    else:
        result = behavior.normalize_with_behavior(sync.history, rules, current, desired, low, high, sync.state.now)
    sync.condition("AbleToScale", True, result.able_reason, result.able_message)
    sync.condition("ScalingLimited", result.limited, result.limited_reason, result.limited_message)
    if result.replicas != current:
        rescale(sync, target, current, result.replicas, reason, outcome.statuses)
    else:
        set_status(sync, current, current, outcome.statuses, rescaled=False)


def rescale(sync: Sync, target: Obj, current: int, desired: int, reason: str,
            statuses: list[dict[str, Any]] | None) -> None:
    scaled = copy(target)
    scaled.setdefault("spec", {})["replicas"] = desired
    sync.actions.append(Update(scaled, narration=f"HorizontalPodAutoscaler {name_of(sync.hpa)}: {target['kind']} "
                                                 f"{name_of(target)} from {current} to {desired} replicas ({reason})"))
    sync.condition("AbleToScale", True, "SucceededRescale", f"the HPA controller was able to update the target "
                   f"scale to {desired}")
    sync.event("SuccessfulRescale", f"New size: {desired}; reason: {reason}")
    behavior.record_scale(sync.history, spec_of(sync).get("behavior"), current, desired, sync.state.now)
    set_status(sync, current, desired, statuses, rescaled=True)


def set_status(sync: Sync, current: int, desired: int, statuses: list[dict[str, Any]] | None, *,
               rescaled: bool) -> None:
    old = sync.hpa.get("status") or {}
    status: dict[str, Any] = {"observedGeneration": sync.hpa["metadata"].get("generation", 1),
                              "currentReplicas": current, "desiredReplicas": desired}
    last = rfc3339(sync.state.now) if rescaled else old.get("lastScaleTime")
    if last:
        status["lastScaleTime"] = last
    if statuses:
        status["currentMetrics"] = statuses
    status["conditions"] = old.get("conditions") or []
    sync.hpa["status"] = status
