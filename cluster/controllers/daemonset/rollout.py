"""A DaemonSet's rolling update: replace each node's old daemon pod with one from the new template.

Two budgets, from `spec.updateStrategy.rollingUpdate` (a number, or a percentage of the nodes
that should run the pod, rounded up):
- `maxUnavailable` (default 1), with `maxSurge` 0: delete old pods while fewer than that many
  nodes are without an available daemon pod; the ordinary sync then starts the new pod on
  the emptied node once the old one is gone. An old pod that is not available anyway is
  replaced at once, without counting against the budget.
- `maxSurge` > 0: start the new pod next to the old one on up to that many nodes at a time,
  and delete the old pod only once the new one is available, so the node is never without.
With `OnDelete`, nothing here runs: a node gets the new template when its pod is deleted.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from cluster.controllers import pods as podutil
from cluster.controllers.daemonset.status import is_updated
from cluster.objects import Obj, is_terminating

ROLLING_UPDATE = "RollingUpdate"
Available = Callable[[Obj], bool]


@dataclass(frozen=True)
class Plan:
    """What the rolling update wants: old pods to delete, nodes to start a new pod on."""

    delete: list[Obj]
    create_on: list[str]


def scaled(value: Any, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent, rounding up: 1 -> 1, "25%" of 10 -> 3."""
    if isinstance(value, str) and value.endswith("%"):
        return ceil(int(value[:-1] or 0) * total / 100)
    return int(value or 0)


def budgets(ds: Obj, desired: int) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) for `desired` nodes; never both zero (updatedDesiredNodeCounts)."""
    rolling = ((ds.get("spec") or {}).get("updateStrategy") or {}).get("rollingUpdate") or {}
    surge, unavailable = scaled(rolling.get("maxSurge", 0), desired), scaled(rolling.get("maxUnavailable", 1), desired)
    if desired > 0 and surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def new_and_old(pods: list[Obj], hash_text: str) -> tuple[Obj | None, Obj | None] | None:
    """findUpdatedPodsOnNode: the node's one new and one old pod; None when it has more (the sync cleans up)."""
    new = old = None
    for pod in pods:
        if is_terminating(pod):
            continue
        if is_updated(pod, hash_text):
            if new is not None:
                return None
            new = pod
        else:
            if old is not None:
                return None
            old = pod
    return new, old


def plan(ds: Obj, by_node: dict[str, list[Obj]], desired: list[str], hash_text: str, now: datetime) -> Plan:
    nodes = {**{node: [] for node in desired}, **by_node}
    surge, unavailable = budgets(ds, len(desired))
    min_ready = int((ds.get("spec") or {}).get("minReadySeconds", 0))

    def available(pod: Obj) -> bool:
        return podutil.is_available(pod, min_ready, now)

    if surge == 0:
        return Plan(_in_place(nodes, hash_text, unavailable, available), [])
    return _surge(nodes, set(desired), hash_text, surge, available)


def _in_place(nodes: dict[str, list[Obj]], hash_text: str, budget: int, available: Available) -> list[Obj]:
    unavailable = 0
    replace: list[Obj] = []
    candidates: list[Obj] = []
    for node in sorted(nodes):
        new, old = new_and_old(nodes[node], hash_text) or (None, None)
        if (new is None) == (old is None):
            unavailable += 1  # no pod, too many, or mid-replacement: the sync handles it; down meanwhile
        elif new is not None:
            unavailable += not available(new)
        elif old is None:
            continue
        elif not available(old):
            replace.append(old)
        elif unavailable < budget:
            candidates.append(old)
    return replace + candidates[:max(0, budget - unavailable)]


def _surge(nodes: dict[str, list[Obj]], desired: set[str], hash_text: str, budget: int, available: Available) -> Plan:
    surging = 0
    delete: list[Obj] = []
    must: list[str] = []
    candidates: list[str] = []
    for node in sorted(nodes):
        found = new_and_old(nodes[node], hash_text)
        if found is None:
            surging += 1
            continue
        new, old = found
        if old is None:
            continue
        if new is not None:
            if available(new):
                delete.append(old)
            else:
                surging += 1
        elif not available(old) and node in desired:
            must.append(node)  # the old pod is down anyway: surge onto this node whatever the budget
        elif not available(old):
            delete.append(old)
        elif surging < budget and node in desired:
            candidates.append(node)
    return Plan(delete, must + candidates[:max(0, budget - surging)])
