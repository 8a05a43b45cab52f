"""The HorizontalPodAutoscaler's metrics: each metric's replica count, its status entry, its failure.

`Resource` (and `ContainerResource`) metrics read the pods' usage from `cluster.metrics`,
what metrics-server would serve; KubeLab has no custom or external metrics API, so `Pods`,
`Object` and `External` metrics fail as they do on a cluster without one. As upstream's
computeReplicasForMetrics, the largest proposal wins; when every metric fails, or some fail
and the rest would scale down, there is no answer (the HPA must not shrink on partial data).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cluster import metrics
from cluster.controllers import hpa_replicas as calc
from cluster.objects import Obj, name_of

CUSTOM_METRICS_MISSING = ("unable to fetch metrics from custom metrics API: no custom metrics API "
                          "(custom.metrics.k8s.io) registered")


class Failure(Exception):
    """A metric that gave no replica count: the event reason and message to report."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


@dataclass
class Outcome:
    replicas: int | None = None  # None: no usable answer
    metric: str = ""
    statuses: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def error(self) -> str:
        first = self.failures[0].message if self.failures else ""
        return f"invalid metrics ({len(self.failures)} invalid out of {len(self.statuses)}), first error is: {first}"


def replicas_for_metrics(specs: list[dict[str, Any]], current: int, pods: list[Obj], now: datetime) -> Outcome:
    outcome = Outcome()
    best: int | None = None
    for spec in specs:
        try:
            replicas, name, status = replicas_for_metric(spec, current, pods, now)
        except Failure as failure:
            outcome.failures.append(failure)
            outcome.statuses.append({"type": ""})  # upstream leaves a failed metric's status empty
            continue
        outcome.statuses.append(status)
        if best is None or replicas > best:
            best, outcome.metric = replicas, name
    if best is not None and not (outcome.failures and best < current):
        outcome.replicas = best
    return outcome


def replicas_for_metric(spec: dict[str, Any], current: int, pods: list[Obj],
                        now: datetime) -> tuple[int, str, dict[str, Any]]:
    kind = str(spec.get("type", ""))
    if kind in ("Resource", "ContainerResource"):
        return resource_replicas(spec, kind, current, pods, now)
    if kind in ("Pods", "Object", "External"):
        source = spec.get(kind[:1].lower() + kind[1:]) or {}
        metric_name = (source.get("metric") or {}).get("name", "")
        raise Failure(f"FailedGet{kind}Metric", f"unable to get metric {metric_name}: {CUSTOM_METRICS_MISSING}")
    raise Failure("InvalidMetricSourceType", f'unknown metric source type "{kind}"')


def resource_replicas(spec: dict[str, Any], kind: str, current: int, pods: list[Obj],
                      now: datetime) -> tuple[int, str, dict[str, Any]]:
    key = "resource" if kind == "Resource" else "containerResource"
    source = spec.get(key) or {}
    resource, container = str(source.get("name", "")), source.get("container")
    target = source.get("target") or {}
    reason = f"FailedGet{kind}Metric"
    usage = pod_usage(pods, resource, container)
    try:
        if target.get("averageValue") is not None:
            proposal = calc.average_value_replicas(current, calc.milli(str(target["averageValue"])), resource, pods,
                                                   usage, now)
            current_value: dict[str, Any] = {"averageValue": milli_quantity(proposal.average)}
            name = f"{resource} resource"
        elif target.get("averageUtilization") is not None:
            proposal = calc.utilization_replicas(current, int(target["averageUtilization"]), resource,
                                                 requests_scope(pods, container), usage, now)
            current_value = {"averageUtilization": proposal.utilization,
                             "averageValue": milli_quantity(proposal.average)}
            name = f"{resource} resource utilization (percentage of request)"
        else:
            raise Failure(reason, "invalid resource metric source: neither an average utilization target nor an "
                                  "average value (usage) target was set")
    except calc.MetricError as error:
        verb = "usage" if target.get("averageValue") is not None else "utilization"
        raise Failure(reason, f"failed to get {resource} {verb}: {error}") from None
    status = {"name": resource, "current": current_value}
    if container:
        status = {"name": resource, "container": container, "current": current_value}
    return proposal.replicas, name, {"type": kind, key: status}


def pod_usage(pods: list[Obj], resource: str, container: str | None) -> dict[str, int]:
    """What the metrics API reports for each pod (milli-units), summed over the chosen containers."""
    usage: dict[str, int] = {}
    for pod in pods:
        values = [u for name, u in metrics.container_usages(pod) if container is None or name == container]
        if values:
            usage[name_of(pod)] = sum(u.cpu if resource == "cpu" else u.memory * 1000 for u in values)
    return usage


def requests_scope(pods: list[Obj], container: str | None) -> list[Obj]:
    """For a ContainerResource metric only that container's request counts."""
    if container is None:
        return pods
    scoped = []
    for pod in pods:
        narrowed = {**pod, "spec": {**(pod.get("spec") or {}), "containers": [
            c for c in (pod.get("spec") or {}).get("containers") or [] if c.get("name") == container]}}
        scoped.append(narrowed)
    return scoped


def milli_quantity(value: int) -> str:
    """A milli-value as Kubernetes prints the quantity (DecimalSI): `150m`, `2`, `3M`."""
    if value % 1000:
        return f"{value}m"
    whole = value // 1000
    for suffix in ("E", "P", "T", "G", "M", "k"):
        factor = 1000 ** ("kMGTPE".index(suffix) + 1)
        if whole and whole % factor == 0:
            return f"{whole // factor}{suffix}"
    return str(whole)
