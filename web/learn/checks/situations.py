"""The `when:` of a lesson's `explain:` entries: situations that call for the author's own words.

A `when` is one of the situations below, or any check type (the situation "this check
passes"), or `not: {...}` around either. When a step fails and a `when` holds, the page
shows that entry's `say` instead of the built-in explanation.
"""

from collections.abc import Callable, Mapping
from typing import Any

from cluster.controllers.pods import is_active
from cluster.kinds.pod import display_status
from cluster.objects import Obj
from web.learn.checks import reading
from web.learn.checks.registry import CHECKS, Spec
from web.learn.checks.verdict import Facts

Situation = Callable[[Facts, Spec], bool]


def _chosen(facts: Facts, spec: Spec) -> list[Obj]:
    return [p for p in reading.pods(facts.state, reading.namespace_in(spec), spec.get("labels")) if is_active(p)]


def service_selects_nothing(facts: Facts, spec: Spec) -> bool:
    svc = reading.one(facts.state, "Service", reading.namespace_in(spec), str(spec.get("name", "")))
    selector = ((svc or {}).get("spec") or {}).get("selector")
    return svc is not None and not [p for p in reading.pods(facts.state, reading.namespace_in(spec), selector or
                                                            {"": ""}) if is_active(p)]


def pods_pending(facts: Facts, spec: Spec) -> bool:
    return any(not (p.get("spec") or {}).get("nodeName") for p in _chosen(facts, spec))


def image_pull_failing(facts: Facts, spec: Spec) -> bool:
    return any(display_status(p) in reading.PULL_FAILURES for p in _chosen(facts, spec))


def crash_looping(facts: Facts, spec: Spec) -> bool:
    return any(display_status(p) in reading.CRASHES for p in _chosen(facts, spec))


def missing(facts: Facts, spec: Spec) -> bool:
    return reading.one(facts.state, str(spec.get("kind", "")), reading.namespace_in(spec),
                       str(spec.get("name", ""))) is None


SITUATIONS: dict[str, tuple[Situation, frozenset[str]]] = {
    "service_selects_nothing": (service_selects_nothing, frozenset({"name", "namespace"})),
    "pods_pending": (pods_pending, frozenset({"labels", "namespace"})),
    "image_pull_failing": (image_pull_failing, frozenset({"labels", "namespace"})),
    "crash_looping": (crash_looping, frozenset({"labels", "namespace"})),
    "missing": (missing, frozenset({"kind", "name", "namespace"})),
}


def holds(facts: Facts, when: Mapping[str, Any]) -> bool:
    ((name, spec),) = when.items()
    if name == "not":
        return not holds(facts, spec)
    if name in SITUATIONS:
        return SITUATIONS[name][0](facts, spec)
    return CHECKS[name].run(facts, spec).passed


def problems(when: Any) -> list[tuple[str, str]]:
    """(where, what is wrong) for a `when:`; empty when it is well formed."""
    if not isinstance(when, Mapping) or len(when) != 1:
        return [("", "must be a mapping with exactly one situation")]
    ((name, spec),) = when.items()
    if name == "not":
        return [(f"not.{where}".rstrip("."), what) for where, what in problems(spec)]
    if name in SITUATIONS:
        allowed = SITUATIONS[name][1]
        if not isinstance(spec, Mapping):
            return [(name, "must be a mapping of parameters")]
        return [(f"{name}.{key}", f"is not a parameter of {name} (known: {', '.join(sorted(allowed))})")
                for key in spec if key not in allowed]
    if name in CHECKS:
        return [(f"{name}.{where}".rstrip("."), what) for where, what in CHECKS[name].problems(spec)]
    known = sorted([*SITUATIONS, *CHECKS, "not"])
    return [(str(name), f"is not a situation or check type (known: {', '.join(known)})")]
