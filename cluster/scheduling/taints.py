"""Taints and tolerations: how a node keeps pods away, and how a pod says "I don't mind".

A taint on a node (`dedicated=gpu:NoSchedule`) repels every pod that does not tolerate it.
Its effect says how strongly: `NoSchedule` keeps new pods off, `NoExecute` also evicts the
pods already there, `PreferNoSchedule` is only a preference the scheduler tries to honour.
A toleration matches a taint when the keys match (an empty key with `Exists` matches every
key), the effects match (an empty effect matches every effect), and either the operator is
`Exists` or the values are equal. `tolerationSeconds` only bounds how long a pod may stay on
a node after a NoExecute taint appears; for scheduling, a toleration with it still tolerates.

Nodes that are not Ready carry a taint too, added by the node lifecycle controller:
`node.kubernetes.io/not-ready` (Ready is False, or the node never reported) or
`node.kubernetes.io/unreachable` (Ready is Unknown: the kubelet stopped reporting). Pods get
NoExecute tolerations for both by default, but not NoSchedule ones, so a new pod is not put
on a node that is down. `node_taints` adds that taint when no controller has added it yet.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cluster.objects import Obj, condition


class Effect(StrEnum):
    NO_SCHEDULE = "NoSchedule"
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    NO_EXECUTE = "NoExecute"


class Operator(StrEnum):
    EQUAL = "Equal"
    EXISTS = "Exists"


NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
# The taints that keep new pods off a node (PreferNoSchedule only weighs on the score).
REPELLING = (Effect.NO_SCHEDULE, Effect.NO_EXECUTE)


@dataclass(frozen=True, slots=True)
class Taint:
    key: str
    value: str = ""
    effect: str = Effect.NO_SCHEDULE

    @classmethod
    def of(cls, raw: Any) -> "Taint":
        raw = raw if isinstance(raw, dict) else {}
        return cls(str(raw.get("key", "")), str(raw.get("value") or ""), str(raw.get("effect", "")))


@dataclass(frozen=True, slots=True)
class Toleration:
    key: str = ""
    operator: str = Operator.EQUAL
    value: str = ""
    effect: str = ""

    @classmethod
    def of(cls, raw: Any) -> "Toleration":
        raw = raw if isinstance(raw, dict) else {}
        return cls(str(raw.get("key") or ""), str(raw.get("operator") or Operator.EQUAL),
                   str(raw.get("value") or ""), str(raw.get("effect") or ""))

    def tolerates(self, taint: Taint) -> bool:
        """Kubernetes' Toleration.ToleratesTaint."""
        if self.effect and self.effect != taint.effect:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator == Operator.EXISTS:
            return True
        return self.operator == Operator.EQUAL and self.value == taint.value


def tolerations_of(pod: Obj) -> tuple[Toleration, ...]:
    return tuple(Toleration.of(t) for t in (pod.get("spec") or {}).get("tolerations") or [])


def tolerated(taint: Taint, tolerations: Iterable[Toleration]) -> bool:
    return any(t.tolerates(taint) for t in tolerations)


def first_untolerated(taints: Iterable[Taint], tolerations: tuple[Toleration, ...]) -> Taint | None:
    """The first NoSchedule or NoExecute taint no toleration matches, as FindMatchingUntoleratedTaint."""
    for taint in taints:
        if taint.effect in REPELLING and not tolerated(taint, tolerations):
            return taint
    return None


def node_taints(node: Obj) -> tuple[Taint, ...]:
    """The node's taints, plus the not-ready or unreachable one its Ready condition implies."""
    taints = tuple(Taint.of(t) for t in (node.get("spec") or {}).get("taints") or [])
    implied = readiness_taint(node)
    if implied is None or any(t.key == implied.key and t.effect == implied.effect for t in taints):
        return taints
    return (*taints, implied)


def readiness_taint(node: Obj) -> Taint | None:
    ready = condition(node, "Ready")
    status = ready.get("status") if ready else None
    if status == "True":
        return None
    return Taint(UNREACHABLE if status == "Unknown" else NOT_READY, "", Effect.NO_SCHEDULE)
