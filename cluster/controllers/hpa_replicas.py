"""The HorizontalPodAutoscaler's replica calculator: how many pods a resource metric asks for.

Kubernetes' formula (pkg/controller/podautoscaler/replica_calculator.go):

    desiredReplicas = ceil(readyPods × currentValue / targetValue)

where for a `Utilization` target the value is the average usage as a percentage of the pods'
requests, and for an `AverageValue` target the average usage itself. When the ratio is
within the tolerance (0.1: between 0.9 and 1.1) nothing changes. Pods are grouped first:
deleted or failed pods are ignored; pending pods, and pods that became ready too recently to
have a full metrics window, count as unready; ready pods without metrics are missing. Unready
and missing pods are then assumed to use 0 (when scaling up) or the target (when scaling
down), the conservative guess, and the answer is recomputed; if that guess would flip the
direction of the change, the replica count stays as it is.

All values are in milli-units, as upstream's MilliValue(): CPU in millicores, memory in
thousandths of a byte. Pure.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cluster import quantities
from cluster.objects import Obj, condition, name_of, parse_time

TOLERANCE = 0.1
# A pod this young may still be starting up: its CPU is only trusted after a full window of readiness.
CPU_INITIALIZATION_PERIOD = timedelta(minutes=5)
# A pod not ready this soon after starting is taken to have never been ready yet.
INITIAL_READINESS_DELAY = timedelta(seconds=30)
METRIC_WINDOW = timedelta(seconds=15)

RatioOf = Callable[[dict[str, int]], float]


class MetricError(Exception):
    """The metric could not give a replica count; the message is Kubernetes' own."""


@dataclass(frozen=True)
class Proposal:
    replicas: int
    average: int  # milli-units per pod
    utilization: int | None = None  # percent of request, for Utilization targets


@dataclass
class Groups:
    ready: int = 0
    unready: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    ignored: set[str] = field(default_factory=set)


def milli(quantity: str) -> int:
    try:
        value = quantities.parse(quantity)
    except quantities.QuantityError:
        return 0
    return math.ceil(value * 1000)


def group_pods(pods: list[Obj], metrics: dict[str, int], resource: str, now: datetime) -> Groups:
    groups = Groups()
    for pod in pods:
        phase = (pod.get("status") or {}).get("phase")
        if pod["metadata"].get("deletionTimestamp") or phase == "Failed":
            groups.ignored.add(name_of(pod))
        elif phase == "Pending":
            groups.unready.add(name_of(pod))
        elif name_of(pod) not in metrics:
            groups.missing.add(name_of(pod))
        elif resource == "cpu" and is_unready_for_cpu(pod, now):
            groups.unready.add(name_of(pod))
        else:
            groups.ready += 1
    return groups


def is_unready_for_cpu(pod: Obj, now: datetime) -> bool:
    ready = condition(pod, "Ready")
    started = parse_time((pod.get("status") or {}).get("startTime"))
    if ready is None or started is None:
        return True
    since = parse_time(ready.get("lastTransitionTime")) or started
    if started + CPU_INITIALIZATION_PERIOD > now:
        return ready.get("status") == "False" or now < since + METRIC_WINDOW
    return ready.get("status") == "False" and started + INITIAL_READINESS_DELAY > since


def pod_requests(pods: list[Obj], resource: str) -> dict[str, int]:
    """Each pod's request (the sum over its containers); a container without one is an error."""
    requests: dict[str, int] = {}
    for pod in pods:
        total = 0
        for container in (pod.get("spec") or {}).get("containers") or []:
            request = ((container.get("resources") or {}).get("requests") or {}).get(resource)
            if request is None:
                raise MetricError(f"missing request for {resource} in container {container.get('name')} "
                                  f"of Pod {name_of(pod)}")
            total += milli(str(request))
        requests[name_of(pod)] = total
    return requests


def utilization_ratio(metrics: dict[str, int], requests: dict[str, int], target: int) -> tuple[float, int, int]:
    """(usage ratio, current utilization in %, average usage), in upstream's integer arithmetic."""
    known = [name for name in metrics if name in requests]
    total_requests = sum(requests[name] for name in known)
    if total_requests == 0:
        raise MetricError("no metrics returned matched known pods")
    total_usage = sum(metrics[name] for name in known)
    utilization = total_usage * 100 // total_requests
    return utilization / target, utilization, total_usage // len(known)


def within(ratio: float, tolerance: float = TOLERANCE) -> bool:
    return abs(1.0 - ratio) <= tolerance


def usable_metrics(pods: list[Obj], metrics: dict[str, int], resource: str,
                   now: datetime) -> tuple[Groups, dict[str, int]]:
    if not metrics:
        raise MetricError(f"unable to get metrics for resource {resource}: no metrics returned from resource "
                          "metrics API")
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    groups = group_pods(pods, metrics, resource, now)
    usable = {n: v for n, v in metrics.items() if n not in groups.ignored | groups.unready}
    if not usable:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    return groups, usable


def utilization_replicas(current: int, target: int, resource: str, pods: list[Obj], metrics: dict[str, int],
                         now: datetime) -> Proposal:
    """GetResourceReplicas: for an `averageUtilization` target (percent of request)."""
    groups, usable = usable_metrics(pods, metrics, resource, now)
    requests = pod_requests(pods, resource)
    ratio, utilization, average = utilization_ratio(usable, requests, target)

    def ratio_of(values: dict[str, int]) -> float:
        return utilization_ratio(values, requests, target)[0]

    fallback = {n: requests.get(n, 0) * max(100, target) // 100 for n in groups.missing}
    replicas = settle(current, groups, usable, ratio, ratio_of, fallback)
    return Proposal(replicas, average, utilization)


def average_value_replicas(current: int, target: int, resource: str, pods: list[Obj], metrics: dict[str, int],
                           now: datetime) -> Proposal:
    """GetRawResourceReplicas: for an `averageValue` target (milli-units per pod)."""
    groups, usable = usable_metrics(pods, metrics, resource, now)

    def ratio_of(values: dict[str, int]) -> float:
        return (sum(values.values()) // len(values)) / target

    average = sum(usable.values()) // len(usable)
    fallback = dict.fromkeys(groups.missing, target)
    return Proposal(settle(current, groups, usable, ratio_of(usable), ratio_of, fallback), average)


def settle(current: int, groups: Groups, usable: dict[str, int], ratio: float,
           ratio_of: RatioOf, fallback: dict[str, int]) -> int:
    """The formula, then the conservative guess for unready and missing pods."""
    scale_up_with_unready = bool(groups.unready) and ratio > 1.0
    if not scale_up_with_unready and not groups.missing:
        return current if within(ratio) else math.ceil(ratio * groups.ready)
    guessed = dict(usable)
    if ratio < 1.0:
        guessed.update(fallback)  # scaling down: missing pods use exactly the target
    elif ratio > 1.0:
        guessed.update(dict.fromkeys(groups.missing, 0))  # scaling up: they use nothing
    if scale_up_with_unready:
        guessed.update(dict.fromkeys(groups.unready, 0))
    new_ratio = ratio_of(guessed)
    if within(new_ratio) or (ratio < 1.0 < new_ratio) or (new_ratio < 1.0 < ratio):
        return current  # the guess would turn a scale-down into a scale-up, or back
    replicas = math.ceil(new_ratio * len(guessed))
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return current
    return replicas

