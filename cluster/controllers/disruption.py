"""Disruption controller: keep each PodDisruptionBudget's status counts current.

A PodDisruptionBudget says how many of an application's pods must stay up during voluntary
disruptions (a `kubectl drain`, a cluster upgrade): `minAvailable: 2`, or
`maxUnavailable: 1`, or a percentage. The eviction API does not count pods itself; it reads
the budget's status, which this controller keeps current:
* `expectedPods`: how many pods there should be (the pods' owners' `replicas`, or simply the
  number of matching pods for an integer `minAvailable`);
* `desiredHealthy`: how many must be healthy (ready);
* `currentHealthy`: how many are (pods being deleted, or just evicted, do not count);
* `disruptionsAllowed`: the difference: how many evictions may happen now;
* the `DisruptionAllowed` condition: True (SufficientPods) or False (InsufficientPods).

Each eviction the API grants is written into `status.disruptedPods` (pod -> when), so a
second eviction cannot spend the same allowance before the pod shows its deletionTimestamp;
this controller forgets an entry once the pod is being deleted, is gone, or after 2 minutes.
"""

import math
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from cluster import selectors
from cluster.actions import Action, Emit, Update, WakeAt
from cluster.controllers import pods as podutil
from cluster.objects import (
    Obj,
    controller_ref,
    copy,
    is_terminating,
    labels_of,
    name_of,
    namespace_of,
    parse_time,
    rfc3339,
    set_condition,
)
from cluster.state import ClusterState

COMPONENT = "controllermanager"
# How long an eviction the API granted keeps its pod out of the count while it is not yet deleted.
DELETION_TIMEOUT = timedelta(minutes=2)
CONDITION = "DisruptionAllowed"


class Reason(StrEnum):
    SUFFICIENT_PODS = "SufficientPods"
    INSUFFICIENT_PODS = "InsufficientPods"
    NO_PODS = "NoPods"


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for pdb in state.of_kind("PodDisruptionBudget", "policy"):
        actions += sync(pdb, state)
    return actions


def sync(pdb: Obj, state: ClusterState) -> list[Action]:
    if is_terminating(pdb):
        return []
    pods = selected_pods(pdb, state)
    status = calculate_status(pdb, pods, state)
    actions: list[Action] = []
    if status != pdb.get("status"):
        updated = copy(pdb)
        updated["status"] = status
        actions.append(Update(updated, narration=_story(pdb, status)))
        # Said with each recount, not on every pass: a pass that only repeats an event is no change.
        if not pods:
            actions.append(Emit(pdb, Reason.NO_PODS, "No matching pods found", COMPONENT))
    return actions + _wake(status, state.now)


def selected_pods(pdb: Obj, state: ClusterState) -> list[Obj]:
    """The pods of the budget's namespace its selector matches; a null selector matches none."""
    raw = (pdb.get("spec") or {}).get("selector")
    if raw is None:
        return []
    selector = selectors.from_label_selector(raw)
    return [p for p in state.of_kind("Pod", "", namespace_of(pdb)) if selector.matches(labels_of(p))]


# --- counting ----------------------------------------------------------------------------------

def scaled(value: Any, total: int) -> int:
    """An IntOrString: an integer as is, a percentage of `total` rounded up (as Kubernetes does)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.endswith("%") and text[:-1].isdigit():
        return math.ceil(int(text[:-1]) * total / 100)
    return int(text) if text.isdigit() else 0


def expected_scale(pods: list[Obj], state: ClusterState) -> int:
    """The sum of `replicas` of the controllers owning the pods (a Deployment, not its ReplicaSet)."""
    scales: dict[str, int] = {}
    for pod in pods:
        owner = _scaled_owner(pod, state)
        if owner is not None:
            scales[owner["metadata"]["uid"]] = int((owner.get("spec") or {}).get("replicas", 1))
    return sum(scales.values())


def _scaled_owner(pod: Obj, state: ClusterState) -> Obj | None:
    ref = controller_ref(pod)
    owner = state.by_uid(str(ref.get("uid"))) if ref else None
    if owner is None or "replicas" not in (owner.get("spec") or {}):
        return None  # unmanaged pods, and controllers without a scale (a DaemonSet, a Job), are not counted
    above = controller_ref(owner)
    parent = state.by_uid(str(above.get("uid"))) if above and owner.get("kind") == "ReplicaSet" else None
    return parent if parent is not None and parent.get("kind") == "Deployment" else owner


def expected_and_desired(pdb: Obj, pods: list[Obj], state: ClusterState) -> tuple[int, int]:
    spec = pdb.get("spec") or {}
    if spec.get("maxUnavailable") is not None:
        expected = expected_scale(pods, state)
        return expected, max(expected - scaled(spec["maxUnavailable"], expected), 0)
    minimum = spec.get("minAvailable")
    if isinstance(minimum, int) and not isinstance(minimum, bool):
        return len(pods), minimum
    if minimum is not None:
        expected = expected_scale(pods, state)
        return expected, scaled(minimum, expected)
    return 0, 0


def disrupted_pods(pdb: Obj, pods: list[Obj], now: datetime) -> dict[str, str]:
    """The evictions granted that the pods do not show yet: forgotten once deleting, gone or too old."""
    by_name = {name_of(p): p for p in pods}
    kept: dict[str, str] = {}
    for name, when in sorted(((pdb.get("status") or {}).get("disruptedPods") or {}).items()):
        pod, at = by_name.get(name), parse_time(when)
        if pod is not None and not is_terminating(pod) and at is not None and at + DELETION_TIMEOUT > now:
            kept[name] = when
    return kept


def current_healthy(pods: list[Obj], disrupted: dict[str, str]) -> int:
    return sum(1 for p in pods if not is_terminating(p) and name_of(p) not in disrupted and podutil.is_ready(p))


def calculate_status(pdb: Obj, pods: list[Obj], state: ClusterState) -> dict[str, Any]:
    expected, desired = expected_and_desired(pdb, pods, state)
    disrupted = disrupted_pods(pdb, pods, state.now)
    healthy = current_healthy(pods, disrupted)
    # A budget that expects no pods allows nothing: its first pods may appear before it is counted again.
    allowed = max(healthy - desired, 0) if expected > 0 else 0
    generation = int(pdb["metadata"].get("generation", 1))
    status: dict[str, Any] = {
        "observedGeneration": generation, "expectedPods": expected, "desiredHealthy": desired,
        "currentHealthy": healthy, "disruptionsAllowed": allowed,
        "conditions": [dict(c) for c in (pdb.get("status") or {}).get("conditions") or []],
    }
    if disrupted:
        status["disruptedPods"] = disrupted
    set_condition(status, allowed_condition(allowed, generation, state.now))
    return status


def allowed_condition(allowed: int, generation: int, now: datetime) -> dict[str, Any]:
    """UpdateDisruptionAllowedCondition: the condition the eviction API and `kubectl describe` show."""
    reason = Reason.SUFFICIENT_PODS if allowed > 0 else Reason.INSUFFICIENT_PODS
    return {"type": CONDITION, "status": "True" if allowed > 0 else "False", "observedGeneration": generation,
            "lastTransitionTime": rfc3339(now), "reason": str(reason), "message": ""}


def _wake(status: dict[str, Any], now: datetime) -> list[Action]:
    """Come back when a granted eviction that never happened stops holding its pod out of the count."""
    times = [t + DELETION_TIMEOUT for t in map(parse_time, (status.get("disruptedPods") or {}).values()) if t]
    later = [t for t in times if t > now]
    return [WakeAt(min(later))] if later else []


def _story(pdb: Obj, status: dict[str, Any]) -> str:
    return (f"disruption controller: PodDisruptionBudget {name_of(pdb)}: {status['currentHealthy']} healthy, "
            f"{status['desiredHealthy']} needed, {status['disruptionsAllowed']} disruptions allowed")
