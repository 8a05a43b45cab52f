"""HorizontalPodAutoscaler: scale a Deployment (or anything with a scale subresource) with load.

Every sync the HPA controller compares each metric's current value with its target (for CPU:
average utilization of the pods' requests) and sets the target's replicas between
`minReplicas` and `maxReplicas`. KubeLab stores the autoscaling/v2 form; `to_v1` / `to_v2`
convert for clients of autoscaling/v1 (`kubectl autoscale` posts v1), whose only metric is
`targetCPUUtilizationPercentage`. As in Kubernetes, v2 defaults `behavior` only when the
manifest has one (the 300 s scale-down window then comes from the controller, not the object).
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.kinds.workload import set_missing
from cluster.objects import Obj, copy, name_of
from cluster.validation import invalid_value, object_meta, required

V1, V2 = "autoscaling/v1", "autoscaling/v2"
DEFAULT_CPU_UTILIZATION = 80
SCALE_UP = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
            "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                         {"type": "Percent", "value": 100, "periodSeconds": 15}]}
SCALE_DOWN = {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def cpu_metric(utilization: int) -> dict[str, Any]:
    return {"type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": utilization}}}


def default(hpa: Obj) -> None:
    spec = hpa.setdefault("spec", {})
    spec.setdefault("minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [cpu_metric(DEFAULT_CPU_UTILIZATION)]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for key, rules in (("scaleUp", SCALE_UP), ("scaleDown", SCALE_DOWN)):
            set_missing(behavior.setdefault(key, {}), copy(rules))
    # desiredReplicas is not optional in the API, even before the first sync.
    hpa.setdefault("status", {}).setdefault("desiredReplicas", 0)


def validate(hpa: Obj) -> list[Cause]:
    causes = object_meta(hpa, namespaced=True)
    spec = hpa.get("spec")
    if not isinstance(spec, dict):
        return [*causes, required("spec")]
    target = spec.get("scaleTargetRef") or {}
    causes += [required(f"spec.scaleTargetRef.{key}") for key in ("kind", "name") if not target.get(key)]
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
    if not isinstance(low, int) or low < 1:
        causes.append(invalid_value("spec.minReplicas", low, "must be greater than or equal to 1"))
    if not isinstance(high, int) or high < 1:
        causes.append(invalid_value("spec.maxReplicas", high, "must be greater than or equal to 1"))
    elif isinstance(low, int) and high < low:
        causes.append(invalid_value("spec.maxReplicas", high, "must be greater than or equal to `minReplicas`"))
    return causes


def cpu_target(metrics: list[dict[str, Any]]) -> int | None:
    for metric in metrics:
        resource = metric.get("resource") or {}
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            return (resource.get("target") or {}).get("averageUtilization")
    return None


def cpu_current(current_metrics: list[dict[str, Any]]) -> int | None:
    for metric in current_metrics:
        resource = metric.get("resource") or {}
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            return (resource.get("current") or {}).get("averageUtilization")
    return None


SHARED_SPEC = ("scaleTargetRef", "minReplicas", "maxReplicas")


def picked(source: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: copy(source[k]) for k in keys if k in source}


def with_version(hpa: Obj, api_version: str) -> Obj:
    """Everything but spec and status is the same in both versions."""
    converted: Obj = {k: copy(v) for k, v in hpa.items() if k not in ("spec", "status")}
    converted["apiVersion"] = api_version
    return converted


def to_v1(hpa: Obj) -> Obj:
    """The autoscaling/v1 view of a stored v2 object: only the CPU utilization target survives."""
    v1, spec = with_version(hpa, V1), hpa.get("spec") or {}
    v1["spec"] = picked(spec, SHARED_SPEC)
    target = cpu_target(spec.get("metrics") or [])
    if target is not None:
        v1["spec"]["targetCPUUtilizationPercentage"] = target
    v1["status"] = v1_status(hpa.get("status") or {})
    return v1


def v1_status(status: dict[str, Any]) -> dict[str, Any]:
    # Both replica counts are required in v1.
    v1 = {**picked(status, ("observedGeneration", "lastScaleTime")),
          "currentReplicas": status.get("currentReplicas", 0), "desiredReplicas": status.get("desiredReplicas", 0)}
    current = cpu_current(status.get("currentMetrics") or [])
    if current is not None:
        v1["currentCPUUtilizationPercentage"] = current
    return v1


def to_v2(hpa: Obj) -> Obj:
    """The v2 form of an autoscaling/v1 object: its CPU target becomes a Resource metric.
    Without one, v2 defaulting later supplies the 80% CPU metric."""
    v2, spec = with_version(hpa, V2), hpa.get("spec") or {}
    v2["spec"] = picked(spec, SHARED_SPEC)
    if spec.get("targetCPUUtilizationPercentage") is not None:
        v2["spec"]["metrics"] = [cpu_metric(spec["targetCPUUtilizationPercentage"])]
    if "status" in hpa:
        v2["status"] = v2_status(hpa["status"] or {})
    return v2


def v2_status(status: dict[str, Any]) -> dict[str, Any]:
    v2 = picked(status, ("observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"))
    if status.get("currentCPUUtilizationPercentage") is not None:
        v2["currentMetrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "current": {"averageUtilization": status["currentCPUUtilizationPercentage"]}}}]
    return v2


def source_key(kind: str) -> str:
    """Each metric type keeps its details under its own key: `Resource` -> `resource`."""
    return kind[:1].lower() + kind[1:]


def metric_text(spec: dict[str, Any], current: dict[str, Any] | None) -> str:
    """One entry of TARGETS: `cpu: 20%/50%`, `cpu: <unknown>/50%`, `300m/500m (avg)`."""
    kind = str(spec.get("type") or "")
    source = spec.get(source_key(kind)) or {}
    now = ((current or {}).get(source_key(kind)) or {}).get("current") or {}
    target = source.get("target") or {}
    if kind in ("Resource", "ContainerResource"):
        return f"{source.get('name')}: {resource_text(now, target)}"
    if kind in ("Pods", "Object", "External"):
        goal = target.get("averageValue") or target.get("value")
        avg = " (avg)" if kind != "Pods" and "averageValue" in target else ""
        return f"{now.get('averageValue') or now.get('value') or '<unknown>'}/{goal}{avg}"
    return "<unknown type>"


def resource_text(now: dict[str, Any], target: dict[str, Any]) -> str:
    if "averageValue" in target:
        return f"{now.get('averageValue', '<unknown>')}/{target['averageValue']}"
    value = f"{now['averageUtilization']}%" if now.get("averageUtilization") is not None else "<unknown>"
    goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
    return f"{value}/{goal}"


def targets_text(hpa: Obj) -> str:
    """The TARGETS column: at most two metrics, then `+ N more...`."""
    specs = (hpa.get("spec") or {}).get("metrics") or []
    if not specs:
        return "<none>"
    statuses = (hpa.get("status") or {}).get("currentMetrics") or []
    texts = [metric_text(s, statuses[i] if i < len(statuses) else None) for i, s in enumerate(specs)]
    shown = ", ".join(texts[:2])
    return f"{shown} + {len(texts) - 2} more..." if len(texts) > 2 else shown


def cells(hpa: Obj, now: datetime) -> list[Any]:
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    low = spec.get("minReplicas")
    return [name_of(hpa), f"{ref.get('kind', '')}/{ref.get('name', '')}", targets_text(hpa),
            "<unset>" if low is None else str(low), spec.get("maxReplicas", 0), status.get("currentReplicas", 0),
            age(hpa, now)]


HORIZONTAL_POD_AUTOSCALER = register(Kind(
    group="autoscaling", version="v2", other_versions=("v1",), kind="HorizontalPodAutoscaler",
    plural="horizontalpodautoscalers", short_names=("hpa",), categories=("all",), subresources=("status",),
    default=default, validate=validate,
    columns=(NAME, Column("Reference", description="reference to scaled resource; horizontal pod autoscaler will "
                          "learn the current resource consumption and will set the desired number of pods by using "
                          "its Scale subresource."),
             Column("Targets", description="metrics contains the specifications for which to use to calculate the "
                    "desired replica count."),
             Column("MinPods", description="minReplicas is the lower limit for the number of replicas to which the "
                    "autoscaler can scale down."),
             Column("MaxPods", description="maxReplicas is the upper limit for the number of replicas to which the "
                    "autoscaler can scale up."),
             Column("Replicas", description="currentReplicas is current number of replicas of pods managed by this "
                    "autoscaler, as last seen by the autoscaler."), AGE),
    cells=cells,
))
