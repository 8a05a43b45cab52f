"""How the HorizontalPodAutoscaler tempers what the formula asks for: stabilization and rate limits.

The formula's answer (the "recommendation") is not applied as is:

* **stabilization**: the autoscaler remembers its recent recommendations. Scaling down uses
  the highest one of the last `stabilizationWindowSeconds` (300 s by default), so a short
  dip does not remove pods that the next spike needs; scaling up uses the lowest one of its
  window (0 s by default: at once).
* **rate limits**: without `spec.behavior`, one sync may at most double the pods (or reach 4);
  with it, each policy (`Pods`: add N, `Percent`: add N%) allows so much change per
  `periodSeconds`, counting what was already changed in that period, and `selectPolicy`
  (Max, Min, Disabled) picks among the policies.
* then `minReplicas` and `maxReplicas` clamp the result.

Upstream keeps the recommendations and scale events in the controller's memory; KubeLab's
controllers are pure, so `History` lives in an annotation on the HPA. Pure.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cluster.objects import Obj, annotations_of, parse_time, rfc3339

HISTORY_ANNOTATION = "kubelab.io/hpa-history"
# kube-controller-manager's --horizontal-pod-autoscaler-downscale-stabilization.
DOWNSCALE_STABILIZATION_SECONDS = 300
# Without behavior: at most double, or 4, per sync (scaleUpLimitFactor, scaleUpLimitMinimum).
SCALE_UP_LIMIT_FACTOR, SCALE_UP_LIMIT_MINIMUM = 2, 4

Samples = list[tuple[datetime, int]]


@dataclass
class History:
    """What upstream keeps in memory per HPA: the last sync, recommendations, and scale events."""

    synced: datetime | None = None
    recommendations: Samples = field(default_factory=list)
    scale_ups: Samples = field(default_factory=list)
    scale_downs: Samples = field(default_factory=list)

    @classmethod
    def of(cls, hpa: Obj) -> "History":
        try:
            data = json.loads(annotations_of(hpa).get(HISTORY_ANNOTATION, "{}"))
            return cls(parse_time(data.get("synced")), _samples(data.get("recommendations")),
                       _samples(data.get("scaleUps")), _samples(data.get("scaleDowns")))
        except (ValueError, TypeError, AttributeError):
            return cls()  # unreadable (edited by hand): start afresh, as a restarted controller does

    def to_json(self) -> str:
        data: dict[str, Any] = {"synced": rfc3339(self.synced) if self.synced else None}
        for key, samples in (("recommendations", self.recommendations), ("scaleUps", self.scale_ups),
                             ("scaleDowns", self.scale_downs)):
            data[key] = [[rfc3339(at), n] for at, n in samples]
        return json.dumps(data, separators=(",", ":"))


def _samples(raw: Any) -> Samples:
    samples: Samples = []
    for at, value in raw or []:
        moment = parse_time(at)
        if moment is not None:
            samples.append((moment, int(value)))
    return samples


@dataclass(frozen=True)
class Normalized:
    replicas: int
    able_reason: str
    able_message: str
    limited: bool
    limited_reason: str
    limited_message: str


READY = ("ReadyForNewScale", "recommended size matches current size")
UP_STABILIZED = ("ScaleUpStabilized",
                 "recent recommendations were lower than current one, applying the lowest recent recommendation")
DOWN_STABILIZED = ("ScaleDownStabilized",
                   "recent recommendations were higher than current one, applying the highest recent recommendation")
WITHIN_RANGE = ("DesiredWithinRange", "the desired count is within the acceptable range")
TOO_FEW = ("TooFewReplicas", "the desired replica count is less than the minimum replica count")
TOO_MANY = ("TooManyReplicas", "the desired replica count is more than the maximum replica count")
UP_LIMIT = ("ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
DOWN_LIMIT = ("ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")


def remember_initial(history: History, current: int, now: datetime) -> None:
    """The first sync counts the current size as a recommendation: no scale-down straight away."""
    if not history.recommendations:
        history.recommendations.append((now, current))


def record(history: History, desired: int, now: datetime, keep: int) -> None:
    """Add this sync's recommendation, dropping those older than every window (`keep` seconds)."""
    cutoff = now - timedelta(seconds=keep)
    history.recommendations = [(at, n) for at, n in history.recommendations if at >= cutoff] + [(now, desired)]


def normalized(stabilized: int, desired: int, stabilized_reason: tuple[str, str],
               limit: tuple[int, tuple[str, str]]) -> Normalized:
    able = READY if stabilized == desired else stabilized_reason
    replicas, (reason, message) = limit
    return Normalized(replicas, *able, replicas != stabilized, reason, message)


# --- without spec.behavior -----------------------------------------------------------------

def normalize_default(history: History, current: int, desired: int, low: int, high: int,
                      now: datetime) -> Normalized:
    """normalizeDesiredReplicas: the highest recommendation of the window, then the legacy limits."""
    cutoff = now - timedelta(seconds=DOWNSCALE_STABILIZATION_SECONDS)
    stabilized = max([desired, *(n for at, n in history.recommendations if at >= cutoff)])
    record(history, desired, now, DOWNSCALE_STABILIZATION_SECONDS)
    return normalized(stabilized, desired, DOWN_STABILIZED, limit_default(current, stabilized, low, high))


def limit_default(current: int, desired: int, low: int, high: int) -> tuple[int, tuple[str, str]]:
    scale_up_limit = max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM)
    maximum, why = (scale_up_limit, UP_LIMIT) if high > scale_up_limit else (high, TOO_MANY)
    if desired < low:
        return low, TOO_FEW
    if desired > maximum:
        return maximum, why
    return desired, WITHIN_RANGE


# --- with spec.behavior --------------------------------------------------------------------

def window_of(rules: dict[str, Any], default: int) -> int:
    value = rules.get("stabilizationWindowSeconds")
    return default if value is None else int(value)


def normalize_with_behavior(history: History, behavior: dict[str, Any], current: int, desired: int, low: int,
                            high: int, now: datetime) -> Normalized:
    """normalizeDesiredReplicasWithBehaviors: stabilize within both windows, then the policies' rate."""
    up, down = behavior.get("scaleUp") or {}, behavior.get("scaleDown") or {}
    up_window, down_window = window_of(up, 0), window_of(down, DOWNSCALE_STABILIZATION_SECONDS)
    stabilized = stabilize(history, current, desired, now, up_window, down_window)
    record(history, desired, now, max(up_window, down_window))
    reason = UP_STABILIZED if desired >= current else DOWN_STABILIZED
    return normalized(stabilized, desired, reason, limit_by_rate(history, up, down, current, stabilized, low, high,
                                                                 now))


def stabilize(history: History, current: int, desired: int, now: datetime, up_window: int, down_window: int) -> int:
    up_cutoff, down_cutoff = now - timedelta(seconds=up_window), now - timedelta(seconds=down_window)
    up = min([desired, *(n for at, n in history.recommendations if at > up_cutoff)])
    down = max([desired, *(n for at, n in history.recommendations if at > down_cutoff)])
    return min(max(current, up), down)


def limit_by_rate(history: History, up: dict[str, Any], down: dict[str, Any], current: int, desired: int, low: int,
                  high: int, now: datetime) -> tuple[int, tuple[str, str]]:
    if desired > current:
        limit = max(scale_up_limit(history, up, current, now), current)
        maximum, why = (limit, UP_LIMIT) if high > limit else (high, TOO_MANY)
        return (maximum, why) if desired > maximum else (desired, WITHIN_RANGE)
    if desired < current:
        limit = min(scale_down_limit(history, down, current, now), current)
        minimum, why = (limit, DOWN_LIMIT) if low < limit else (low, TOO_FEW)
        return (minimum, why) if desired < minimum else (desired, WITHIN_RANGE)
    return desired, WITHIN_RANGE


def changed_within(samples: Samples, seconds: int, now: datetime) -> int:
    cutoff = now - timedelta(seconds=seconds)
    return sum(n for at, n in samples if at > cutoff)


def period_start(history: History, current: int, seconds: int, now: datetime) -> int:
    """How many replicas there were when the policy's period began."""
    return current - changed_within(history.scale_ups, seconds, now) + changed_within(history.scale_downs, seconds,
                                                                                        now)


def scale_up_limit(history: History, rules: dict[str, Any], current: int, now: datetime) -> int:
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in rules.get("policies") or []:
        start = period_start(history, current, int(policy.get("periodSeconds", 15)), now)
        value = int(policy.get("value", 0))
        proposals.append(start + value if policy.get("type") == "Pods" else math.ceil(start * (1 + value / 100)))
    if not proposals:
        return current
    return min(proposals) if select == "Min" else max(proposals)


def scale_down_limit(history: History, rules: dict[str, Any], current: int, now: datetime) -> int:
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in rules.get("policies") or []:
        start = period_start(history, current, int(policy.get("periodSeconds", 15)), now)
        value = int(policy.get("value", 0))
        proposals.append(start - value if policy.get("type") == "Pods" else int(start * (1 - value / 100)))
    if not proposals:
        return current
    return max(proposals) if select == "Min" else min(proposals)


def record_scale(history: History, behavior: dict[str, Any] | None, before: int, after: int, now: datetime) -> None:
    """storeScaleEvent: remember the change for the policies' periods (only with behavior)."""
    if behavior is None:
        return
    rules = (behavior.get("scaleUp") if after > before else behavior.get("scaleDown")) or {}
    longest = max((int(p.get("periodSeconds", 15)) for p in rules.get("policies") or []), default=0)
    cutoff = now - timedelta(seconds=longest)
    if after > before:
        history.scale_ups = [(at, n) for at, n in history.scale_ups if at >= cutoff] + [(now, after - before)]
    else:
        history.scale_downs = [(at, n) for at, n in history.scale_downs if at >= cutoff] + [(now, before - after)]
