"""Checks on what happened rather than what is: an Event was recorded, a container logged a
line, the learner ran a console command (for steps about reading output)."""

import shlex

from cluster.objects import Obj, is_terminating
from web.learn.checks import reading
from web.learn.checks.registry import Spec, check
from web.learn.checks.verdict import Facts, Verdict, failed, passed


@check("event", required=("reason",), optional=("involved", "namespace"))
def event(facts: Facts, spec: Spec) -> Verdict:
    involved = spec.get("involved") or {}
    found = [e for e in facts.state.of_kind("Event") if _about(e, involved)]
    values = {"reason": spec["reason"], "what": _described(involved), "seen": ""}
    if any(e.get("reason") == spec["reason"] for e in found):
        return passed("A {reason} event was recorded{what}.", "{what}{reason} 이벤트가 기록됐어요.", **values)
    reasons = sorted({str(e.get("reason")) for e in found})
    if reasons:
        return failed("No {reason} event{what} yet; the events there say: {seen}.",
                      "{what}{reason} 이벤트가 아직 없어요. 지금 있는 이벤트: {seen}.", **{**values,
                                                                                 "seen": ", ".join(reasons[-5:])})
    return failed("No {reason} event{what} yet.", "{what}{reason} 이벤트가 아직 없어요.", **values)


def _about(event: Obj, involved: Spec) -> bool:
    subject = event.get("involvedObject") or {}
    return all(str(subject.get(key, "")) == str(value) for key, value in involved.items())


def _described(involved: Spec) -> str:
    if not involved:
        return ""
    return f" for {involved.get('kind', '')} `{involved.get('name', '')}`".replace("  ", " ")


@check("logs", required=("pod_labels", "contains"), optional=("namespace",))
def logs(facts: Facts, spec: Spec) -> Verdict:
    chosen = [p for p in reading.pods(facts.state, reading.namespace_in(spec), spec["pod_labels"])
              if not is_terminating(p)]
    values = {"labels": reading.label_text(spec["pod_labels"]), "text": spec["contains"]}
    if not chosen:
        return failed("There are no pods labelled {labels} to read logs from.",
                      "로그를 읽을 파드(레이블 {labels})가 없어요.", **values)
    if any(str(spec["contains"]) in line for pod in chosen for line in facts.logs(pod)):
        return passed("A pod labelled {labels} logged "
                      "`{text}`.", "레이블이 {labels}인 파드가 `{text}`{text:~을/를} 로그에 남겼어요.",
                      **values)
    if not any(reading.running(p) for p in chosen):
        return failed("The pods labelled {labels} are not running yet, so they have logged nothing.",
                      "레이블이 {labels}인 파드가 아직 실행 중이 아니라서 남긴 로그가 없어요.", **values)
    return failed("No log line of the pods labelled {labels} contains `{text}` yet: a web server logs a line per "
                  "request, so send it some requests.",
                  "레이블이 {labels}인 파드의 로그에 아직 `{text}`{text:~이/가} 없어요. 웹 서버는 요청마다 로그를 한 "
                  "줄씩 남기니 요청을 "
                  "보내 보세요.", **values)


# The console's short names, so that `get no` counts as `get nodes`.
ALIASES = {
    "no": "nodes", "node": "nodes", "po": "pods", "pod": "pods", "svc": "services", "service": "services",
    "deploy": "deployments", "deployment": "deployments", "rs": "replicasets", "replicaset": "replicasets",
    "ns": "namespaces", "namespace": "namespaces", "ep": "endpoints", "sts": "statefulsets",
    "statefulset": "statefulsets", "ds": "daemonsets", "daemonset": "daemonsets", "job": "jobs", "cj": "cronjobs",
    "cronjob": "cronjobs", "pvc": "persistentvolumeclaims", "pv": "persistentvolumes",
    "hpa": "horizontalpodautoscalers",
    "ev": "events", "event": "events", "cm": "configmaps", "configmap": "configmaps",
}


def words(line: str) -> list[str]:
    """A command line as compared: without `kubectl`, flags kept, resource names in their long plural form."""
    try:
        split = shlex.split(line)
    except ValueError:
        split = line.split()
    if split[:1] == ["kubectl"]:
        split = split[1:]
    return [ALIASES.get(w, w) for w in split]


def ran(wanted: str, line: str) -> bool:
    """The learner's line is the wanted command, perhaps with more words after (`get nodes -o wide`)."""
    want, have = words(wanted), words(line)
    return bool(want) and have[:len(want)] == want


@check("console_ran", required=("command",))
def console_ran(facts: Facts, spec: Spec) -> Verdict:
    command = str(spec["command"])
    if any(ran(command, line) for line in facts.commands):
        return passed("You ran `kubectl {command}`.", "`kubectl {command}`를 실행했어요.", command=command)
    return failed("Run `kubectl {command}` in the console (type it after the `$ kubectl` prompt and press Enter).",
                  "콘솔에서 `kubectl {command}`를 실행해 보세요(`$ kubectl` 뒤에 입력하고 Enter를 누르세요).",
                  command=command)
