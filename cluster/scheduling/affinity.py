"""Which nodes a pod is willing to run on: its `nodeSelector` and its required node affinity.

`nodeSelector: {disktype: ssd}` asks for nodes whose labels include every pair. Node affinity
says more: `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms` is a list of
terms, any one of which may match (OR); inside a term, every `matchExpressions` requirement
on the node's labels and every `matchFields` requirement on its fields (only `metadata.name`)
must hold (AND). Operators: In, NotIn, Exists, DoesNotExist, and Gt / Lt, which compare the
label as an integer. A term with no requirements matches no node. A pod with both a
nodeSelector and required affinity needs a node that satisfies both.

Preferred affinity (`preferredDuringScheduling...`) only weighs on scoring and is not a filter.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cluster.objects import Obj


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...] = ()

    @classmethod
    def of(cls, raw: Any) -> "Requirement":
        raw = raw if isinstance(raw, dict) else {}
        return cls(str(raw.get("key", "")), str(raw.get("operator", "")), tuple(map(str, raw.get("values") or ())))

    def matches(self, fields: Mapping[str, str]) -> bool:
        value = fields.get(self.key)
        if self.operator == "In":
            return value is not None and value in self.values
        if self.operator == "NotIn":
            return value is None or value not in self.values
        if self.operator == "Exists":
            return value is not None
        if self.operator == "DoesNotExist":
            return value is None
        if self.operator in ("Gt", "Lt"):
            return _compare(self.operator, value, self.values)
        return False


def _compare(operator: str, value: str | None, values: tuple[str, ...]) -> bool:
    """Gt and Lt: the label and the single value both read as integers; anything else does not match."""
    try:
        label, bound = int(value or ""), int(values[0])
    except (ValueError, IndexError):
        return False
    return label > bound if operator == "Gt" else label < bound


@dataclass(frozen=True, slots=True)
class Term:
    """One nodeSelectorTerm: every requirement must hold."""

    expressions: tuple[Requirement, ...]
    fields: tuple[Requirement, ...]

    @classmethod
    def of(cls, raw: Any) -> "Term":
        raw = raw if isinstance(raw, dict) else {}
        return cls(tuple(map(Requirement.of, raw.get("matchExpressions") or ())),
                   tuple(map(Requirement.of, raw.get("matchFields") or ())))

    def matches(self, name: str, labels: Mapping[str, str]) -> bool:
        if not self.expressions and not self.fields:
            return False
        return (all(r.matches(labels) for r in self.expressions)
                and all(r.matches({"metadata.name": name}) for r in self.fields))


@dataclass(frozen=True, slots=True)
class NodeConstraint:
    """A pod's nodeSelector and required node affinity, read once per pod."""

    selector: tuple[tuple[str, str], ...] = ()
    terms: tuple[Term, ...] | None = None  # None: the pod has no required node affinity

    @classmethod
    def of(cls, pod: Obj) -> "NodeConstraint":
        spec = pod.get("spec") or {}
        selector = tuple((str(k), str(v)) for k, v in (spec.get("nodeSelector") or {}).items())
        required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                    .get("requiredDuringSchedulingIgnoredDuringExecution"))
        terms = None if required is None else tuple(map(Term.of, required.get("nodeSelectorTerms") or ()))
        return cls(selector, terms)

    @property
    def empty(self) -> bool:
        return not self.selector and self.terms is None

    def matches(self, name: str, labels: Mapping[str, str]) -> bool:
        if any(labels.get(k) != v for k, v in self.selector):
            return False
        return self.terms is None or any(t.matches(name, labels) for t in self.terms)
