"""Checks on any kind of object: it exists, how many there are, what one of its fields holds."""

import re
from typing import Any

from cluster.controllers.pods import is_active, is_ready
from cluster.objects import Obj, is_terminating
from web.learn.checks import reading
from web.learn.checks.registry import Spec, check
from web.learn.checks.verdict import Facts, Verdict, failed, joined, korean_kind, passed, say


@check("exists", required=("kind",), optional=("name", "namespace", "labels"))
def exists(facts: Facts, spec: Spec) -> Verdict:
    kind, namespace = str(spec["kind"]), reading.namespace_in(spec)
    if "name" in spec:
        return _named_exists(facts, kind, namespace, str(spec["name"]))
    found = [o for o in reading.objects(facts.state, kind, namespace, spec.get("labels")) if not is_terminating(o)]
    if found:
        return passed("A {kind} labelled {labels} exists.", "레이블이 {labels}인 {kind_ko:이/가} 있어요.",
                      kind=kind, labels=reading.label_text(spec.get("labels")))
    return _nothing_labelled(facts, kind, namespace, spec.get("labels"))


def _named_exists(facts: Facts, kind: str, namespace: str, name: str) -> Verdict:
    obj = reading.one(facts.state, kind, namespace, name)
    if obj is not None and not is_terminating(obj):
        return passed("{kind} `{name}` exists.", "{kind_ko} `{name}`{name:~이/가} 있어요.", kind=kind, name=name)
    if obj is not None:
        return failed("{kind} `{name}` is being "
                      "deleted.", "{kind_ko} `{name}`{name:~은/는} 삭제되는 중이에요.", kind=kind, name=name)
    other = reading.elsewhere(facts.state, kind, name, namespace)
    if other:
        return failed("There is a {kind} `{name}`, but in namespace `{other}`, not `{ns}`: "
                      "without `-n` (or `metadata.namespace`) objects go to `default`.",
                      "{kind_ko} `{name}`{name:~이/가} 있긴 하지만 네임스페이스 `{ns}`{ns:~이/가} 아니라 "
                      "`{other}`에 있어요. "
                      "`-n`(또는 `metadata.namespace`)을 주지 않으면 `default`에 만들어져요.",
                      kind=kind, name=name, other=other[0], ns=namespace)
    other_kind = reading.same_name(facts.state, kind, name, namespace)
    if other_kind:
        return failed("There is no {kind} `{name}`, but there is a {other} `{name}`: check `kind:` (and `apiVersion:`) "
                      "in your manifest.",
                      "{kind_ko} `{name}`{name:~은/는} 없고 {other_ko} `{name}`{name:~이/가} 있어요. 매니페스트의 "
                      "`kind:`(와 "
                      "`apiVersion:`)를 확인해 보세요.", kind=kind, name=name, other=other_kind,
                      other_ko=korean_kind(other_kind))
    return failed("There is no {kind} `{name}` in namespace `{ns}` yet.",
                  "네임스페이스 `{ns}`에 {kind_ko} `{name}`{name:~이/가} "
                  "아직 없어요.", kind=kind, name=name, ns=namespace)


def _nothing_labelled(facts: Facts, kind: str, namespace: str, labels: Any) -> Verdict:
    base = say("No {kind} in namespace `{ns}` has the labels {labels}.",
               "네임스페이스 `{ns}`에 레이블이 {labels}인 {kind_ko:이/가} 없어요.",
               kind=kind, ns=namespace, labels=reading.label_text(labels))
    others = reading.labelled_otherwise(facts.state, namespace) if kind.lower() in ("pod", "pods") else ""
    if others:
        base = joined(base, say("The pods there are labelled {others}.", "지금 있는 파드의 레이블은 {others}예요.",
                                others=others))
    return Verdict(False, base)


@check("count", required=("kind",), optional=("labels", "namespace", "phase", "ready", "min", "max"),
       one_of=("min", "max"))
def count(facts: Facts, spec: Spec) -> Verdict:
    kind, namespace, labels = str(spec["kind"]), reading.namespace_in(spec), spec.get("labels")
    selected = [o for o in reading.objects(facts.state, kind, namespace, labels) if not is_terminating(o)]
    matching = [o for o in selected if _in_phase(o, spec)]
    low, high = int(spec.get("min", 0)), spec.get("max")
    values = {"kind": kind, "labels": reading.label_text(labels), "n": len(matching), "low": low, "high": high,
              "what": _described(spec), "ns": namespace}
    if high is not None and len(matching) > int(high):
        return failed("There are {n} {kind}s labelled {labels}{what}; at most {high} expected. Delete the extra ones "
                      "(or scale down their owner).",
                      "레이블이 {labels}인 {kind_ko}{what}{kind_ko:~이/가} {n}개 있어요. 최대 {high}개여야 해요. 남는 "
                      "것을 지우거나 "
                      "소유자의 레플리카 수를 줄여 보세요.", **values)
    if len(matching) >= low:
        return passed("{n} {kind}s labelled "
                      "{labels}{what}.", "레이블이 {labels}인 {kind_ko}{what}{kind_ko:~이/가} {n}개 있어요.",
                      **values)
    return _too_few(facts, selected, values)


def _too_few(facts: Facts, selected: list[Obj], values: dict[str, Any]) -> Verdict:
    base = say("{n} {kind}s labelled {labels}{what} in `{ns}`; {low} needed.",
               "`{ns}`에 레이블이 {labels}인 {kind_ko}{what}{kind_ko:~이/가} {n}개예요. {low}개가 필요해요.", **values)
    if not selected and values["kind"].lower() in ("pod", "pods"):
        others = reading.labelled_otherwise(facts.state, values["ns"])
        if others:
            return Verdict(False, joined(base, say("The pods there are labelled {others}.",
                                                   "지금 있는 파드의 레이블은 {others}예요.", others=others)))
    why = reading.trouble(selected) if values["kind"].lower() in ("pod", "pods") else None
    return Verdict(False, joined(base, why) if why else base)


def _in_phase(obj: Obj, spec: Spec) -> bool:
    if "phase" in spec and (obj.get("status") or {}).get("phase") != spec["phase"]:
        return False
    return "ready" not in spec or is_ready(obj) == bool(spec["ready"])


def _described(spec: Spec) -> str:
    parts = [f" ({spec['phase']})"] if "phase" in spec else []
    if spec.get("ready"):
        parts.append(" (Ready)")
    return "".join(parts)


# --- field ------------------------------------------------------------------------------------

STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
MISSING = object()


def at_path(obj: Any, path: str) -> Any:
    """`spec.template.spec.containers[0].image` read from an object; MISSING where a part is absent."""
    for key, index in STEP.findall(path):
        if key and isinstance(obj, dict) and key in obj:
            obj = obj[key]
        elif index and isinstance(obj, list) and int(index) < len(obj):
            obj = obj[int(index)]
        else:
            return MISSING
    return obj


@check("field", required=("kind", "name", "path"), optional=("namespace",), one_of=("equals", "at_least", "exists"))
def field_holds(facts: Facts, spec: Spec) -> Verdict:
    kind, name, path = str(spec["kind"]), str(spec["name"]), str(spec["path"])
    obj = reading.one(facts.state, kind, reading.namespace_in(spec), name)
    if obj is None:
        return _named_exists(facts, kind, reading.namespace_in(spec), name)
    value = at_path(obj, path)
    values = {"kind": kind, "name": name, "path": path, "value": _shown(value)}
    if value is MISSING:
        if spec.get("exists") is False:
            return passed("`{path}` is not set on {kind} "
                          "`{name}`.", "{kind_ko} `{name}`에는 `{path}` 값이 없어요.", **values)
        return Verdict(False, joined(say("{kind} `{name}` has no `{path}` yet.",
                                         "{kind_ko} `{name}`에 아직 `{path}` 값이 없어요.", **values),
                                     _beside(obj, path)))
    return _compare(spec, value, values, obj)


def _beside(obj: Obj, path: str) -> dict[str, str]:
    """What is there instead: the keys next to the missing one (a typo such as `environment` for `env`)."""
    parent, _, key = path.rpartition(".")
    found = at_path(obj, parent) if parent else obj
    if not isinstance(found, dict) or not found:
        return say("", "")
    return say("`{parent}` has {keys}, but no `{key}`.", "`{parent}`에는 {keys}만 있고 `{key}`는 없어요.",
               parent=parent, keys=", ".join(f"`{k}`" for k in sorted(found)), key=key)


def _compare(spec: Spec, value: Any, values: dict[str, Any], obj: Obj) -> Verdict:
    judged = _compared(spec, value, values)
    if judged.passed or values["kind"].lower() not in ("pod", "pods") or not is_active(obj) or is_ready(obj):
        return judged
    return Verdict(False, joined(judged.explanation, reading.pod_trouble(obj)))


def _compared(spec: Spec, value: Any, values: dict[str, Any]) -> Verdict:
    if "equals" in spec and str(value) != str(spec["equals"]):
        return failed("`{path}` of {kind} `{name}` is {value}; this step wants {want}.",
                      "{kind_ko} `{name}`의 `{path}` 값은 {value}{value:~이에요/예요}. 이 단계에서는 "
                      "{want}{want:~이어야/여야} 해요.",
                      want=_shown(spec["equals"]), **values)
    if "at_least" in spec and not _number(value) >= float(spec["at_least"]):
        return failed("`{path}` of {kind} `{name}` is {value}; this step wants at least {want}.",
                      "{kind_ko} `{name}`의 `{path}` 값은 {value}{value:~이에요/예요}. 이 단계에서는 {want} "
                      "이상이어야 해요.",
                      want=spec["at_least"], **values)
    if spec.get("exists") is False:
        return failed("{kind} `{name}` still sets `{path}` ({value}).",
                      "{kind_ko} `{name}`에 아직 `{path}` 값({value})이 설정되어 있어요.", **values)
    return passed("`{path}` of {kind} `{name}` is {value}.", "{kind_ko} `{name}`의 `{path}` 값은 "
                                                             "{value}{value:~이에요/예요}.", **values)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("-inf")


def _shown(value: Any) -> str:
    return f"`{value}`" if not isinstance(value, dict | list) else f"`{value!r}`"
