"""Label selectors and field selectors, the two ways Kubernetes picks objects out of a list.

A label selector is a comma-separated AND of requirements on an object's labels:
`app=web`, `tier!=db`, `env in (dev,qa)`, `env notin (prod)`, `release` (the key exists),
`!release` (it does not). Controllers carry the same thing in structured form
(`matchLabels` and `matchExpressions`), which `from_label_selector` turns into requirements.

A field selector compares fields of the object itself (`metadata.name=web`,
`status.phase!=Running`); which fields a kind supports is declared with the kind.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cluster import errors

_KEY = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9](/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
_TOKEN = re.compile(r"\s*(!=|==|=|\bnotin\b|\bin\b|!|\(|\)|,|[^\s!=(),]+)")


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist, Equals, NotEquals
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.operator in ("In", "Equals"):
            return present and value in self.values
        if self.operator in ("NotIn", "NotEquals"):
            return not present or value not in self.values
        if self.operator == "Exists":
            return present
        return not present


@dataclass(frozen=True)
class Selector:
    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(r.matches(labels) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements


EVERYTHING = Selector()


def parse_label_selector(text: str | None) -> Selector:
    """Parse the string form used in `?labelSelector=` and by `kubectl -l`."""
    if not text or not text.strip():
        return EVERYTHING
    tokens = [t for t in _TOKEN.findall(text) if t.strip()]
    requirements: list[Requirement] = []
    position = 0
    while position < len(tokens):
        requirement, position = _parse_requirement(tokens, position, text)
        requirements.append(requirement)
        if position < len(tokens):
            if tokens[position] != ",":
                raise _bad_selector(text, f"expected ',' but found {tokens[position]!r}")
            position += 1
            if position == len(tokens):
                raise _bad_selector(text, "trailing ','")
    return Selector(tuple(requirements))


def _parse_requirement(tokens: list[str], pos: int, text: str) -> tuple[Requirement, int]:
    if tokens[pos] == "!":
        key = _key(tokens, pos + 1, text)
        return Requirement(key, "DoesNotExist"), pos + 2
    key = _key(tokens, pos, text)
    op = tokens[pos + 1] if pos + 1 < len(tokens) else ","
    if op == ",":
        return Requirement(key, "Exists"), pos + 1
    if op in ("=", "==", "!="):
        value = tokens[pos + 2] if pos + 2 < len(tokens) and tokens[pos + 2] not in (",",) else ""
        _check_value(value, text)
        operator = "NotEquals" if op == "!=" else "Equals"
        return Requirement(key, operator, (value,)), pos + (3 if value else 2)
    if op in ("in", "notin"):
        values, pos = _parse_set(tokens, pos + 2, text)
        return Requirement(key, "In" if op == "in" else "NotIn", values), pos
    raise _bad_selector(text, f"unexpected {op!r} after key {key!r}")


def _parse_set(tokens: list[str], pos: int, text: str) -> tuple[tuple[str, ...], int]:
    if pos >= len(tokens) or tokens[pos] != "(":
        raise _bad_selector(text, "expected '(' after in/notin")
    values: list[str] = []
    pos += 1
    while pos < len(tokens) and tokens[pos] != ")":
        if tokens[pos] != ",":
            _check_value(tokens[pos], text)
            values.append(tokens[pos])
        pos += 1
    if pos >= len(tokens):
        raise _bad_selector(text, "missing ')'")
    if not values:
        raise _bad_selector(text, "for 'in', 'notin' operators, values set can't be empty")
    return tuple(values), pos + 1


def _key(tokens: list[str], pos: int, text: str) -> str:
    if pos >= len(tokens) or not _KEY.match(tokens[pos]):
        found = tokens[pos] if pos < len(tokens) else "end of string"
        raise _bad_selector(text, f"invalid label key {found!r}")
    return tokens[pos]


def _check_value(value: str, text: str) -> None:
    if value and not re.match(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", value):
        raise _bad_selector(text, f"invalid label value: {value!r}")


def _bad_selector(text: str, why: str) -> errors.StatusError:
    return errors.bad_request(f'unable to parse requirement: found "{text}": {why}')


def from_label_selector(selector: Mapping[str, Any] | None) -> Selector:
    """The structured form (`matchLabels`, `matchExpressions`) of Deployments, ReplicaSets, ..."""
    if not selector:
        return EVERYTHING
    reqs = [Requirement(k, "Equals", (str(v),)) for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        reqs.append(Requirement(expr["key"], expr["operator"], tuple(expr.get("values") or ())))
    return Selector(tuple(reqs))


def from_equality_map(selector: Mapping[str, str] | None) -> Selector:
    """A Service's or ReplicationController's plain `selector: {app: web}` map.

    An empty map selects nothing here, because a Service without a selector routes to no pods.
    """
    if not selector:
        return Selector((Requirement("", "In", ()),))
    return Selector(tuple(Requirement(k, "Equals", (str(v),)) for k, v in selector.items()))


def to_string(selector: Mapping[str, Any] | None) -> str:
    """`app=web,tier in (a,b)`: how kubectl shows a structured selector."""
    parts = [f"{k}={v}" for k, v in sorted((selector or {}).get("matchLabels", {}).items())]
    for expr in (selector or {}).get("matchExpressions") or []:
        op, key, values = expr["operator"], expr["key"], ",".join(expr.get("values") or [])
        parts.append({"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                      "Exists": key, "DoesNotExist": f"!{key}"}[op])
    return ",".join(parts)


FieldGetter = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    value: str
    negate: bool

    def matches(self, obj: dict[str, Any], getters: Mapping[str, FieldGetter]) -> bool:
        actual = getters[self.field](obj)
        return (actual != self.value) if self.negate else (actual == self.value)


def parse_field_selector(text: str | None, getters: Mapping[str, FieldGetter]) -> tuple[FieldRequirement, ...]:
    """Parse `?fieldSelector=`; an unsupported field is a 400, as on a real API server."""
    if not text or not text.strip():
        return ()
    reqs = []
    for part in text.split(","):
        match = re.match(r"^\s*([^!=\s]+)\s*(!=|==|=)\s*(.*?)\s*$", part)
        if not match:
            raise errors.bad_request(f'invalid selector: \'{text}\'; can\'t understand \'{part}\'')
        field, op, value = match.groups()
        if field not in getters:
            raise errors.bad_request(f'field label not supported: {field}')
        reqs.append(FieldRequirement(field, value, op == "!="))
    return tuple(reqs)


def matches_fields(obj: dict[str, Any], reqs: tuple[FieldRequirement, ...],
                   getters: Mapping[str, FieldGetter]) -> bool:
    return all(r.matches(obj, getters) for r in reqs)
