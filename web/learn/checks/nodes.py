"""Checks on nodes, and on pods leaving a node: what a learner sees when a machine dies.

Kubernetes reacts to a dead node slowly on purpose: the node lifecycle controller waits 40
seconds without heartbeats before it marks the node NotReady and taints it, and the pods
there tolerate that taint for another 300 seconds before they are evicted. A learner who
expects the pods to move at once gets that timeline as the explanation.
"""

from typing import Any

from cluster.objects import Obj, condition, is_terminating
from web.learn.checks import reading
from web.learn.checks.registry import Spec, check
from web.learn.checks.verdict import Facts, Verdict, failed, joined, passed, say
from web.learn.checks.workloads import _missing

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"


def _ready(node: Obj) -> bool:
    found = condition(node, "Ready")
    return found is not None and found.get("status") == "True"


def _taints(node: Obj) -> list[str]:
    return [str(t.get("key")) for t in (node.get("spec") or {}).get("taints") or []]


@check("node", required=("name",), one_of=("ready", "unschedulable", "tainted"))
def node(facts: Facts, spec: Spec) -> Verdict:
    found = facts.state.get("Node", "", str(spec["name"]))
    if found is None:
        return _missing(facts, "Node", spec)
    values: dict[str, Any] = {"name": spec["name"]}
    if "ready" in spec and _ready(found) != bool(spec["ready"]):
        return _readiness(found, bool(spec["ready"]), values)
    cordoned = bool((found.get("spec") or {}).get("unschedulable"))
    if "unschedulable" in spec and cordoned != bool(spec["unschedulable"]):
        if cordoned:
            return failed("Node `{name}` is still cordoned: `uncordon {name}` lets the scheduler use it again.",
                          "노드 `{name}`{name:~이/가} 아직 cordon 상태예요. `uncordon {name}`을 실행하면 스케줄러가 "
                          "다시 사용해요.",
                          **values)
        return failed("Node `{name}` still takes new pods: `cordon {name}` (or `drain {name}`) marks it unschedulable.",
                      "노드 `{name}`{name:~이/가} 아직 새 파드를 받을 수 있어요. `cordon {name}`(또는 `drain "
                      "{name}`){name:~으로/로} 스케줄 "
                      "불가로 표시해 보세요.", **values)
    if "tainted" in spec and str(spec["tainted"]) not in _taints(found):
        return failed("Node `{name}` has no `{taint}` taint (its taints: {taints}).",
                      "노드 `{name}`에 `{taint}` 테인트가 없어요(현재 테인트: {taints}).",
                      taint=spec["tainted"], taints=", ".join(_taints(found)) or "-", **values)
    return passed("Node `{name}` is as this step "
                  "wants it.", "노드 `{name}`{name:~이/가} 이 단계에서 원하는 상태예요.", **values)


def _readiness(found: Obj, wanted: bool, values: dict[str, Any]) -> Verdict:
    if wanted:
        return failed("Node `{name}` is NotReady: its kubelet sends no heartbeats. Restart it, and it reports Ready "
                      "again.", "노드 `{name}`{name:~이/가} NotReady 상태예요. kubelet이 하트비트를 보내지 않고 "
                                "있어요. 다시 "
                      "시작하면 Ready로 돌아와요.", **values)
    return failed("Node `{name}` still counts as Ready. The node lifecycle controller marks a node NotReady only "
                  "after 40 seconds without a heartbeat (node-monitor-grace-period): skip the clock ahead.",
                  "노드 `{name}`{name:~이/가} 아직 Ready로 보여요. 노드 라이프사이클 컨트롤러는 하트비트가 40초 동안 "
                  "없어야(node-monitor-grace-period) 노드를 NotReady로 표시해요. 시계를 앞으로 돌려 보세요.", **values)


@check("pod_on_other_node", required=("labels", "not_node"), optional=("namespace", "running"))
def pod_on_other_node(facts: Facts, spec: Spec) -> Verdict:
    chosen = [p for p in reading.pods(facts.state, reading.namespace_in(spec), spec["labels"]) if not is_terminating(p)]
    avoided = str(spec["not_node"])
    there = [p for p in chosen if (p.get("spec") or {}).get("nodeName") == avoided]
    elsewhere = [p for p in chosen if reading.running(p) and (p.get("spec") or {}).get("nodeName") != avoided]
    values: dict[str, Any] = {"labels": reading.label_text(spec["labels"]), "node": avoided, "n": len(elsewhere),
                              "want": int(spec.get("running", 1)), "there": len(there)}
    if there:
        return Verdict(False, joined(say("{there} pods labelled {labels} are still on node `{node}`.",
                                         "레이블이 {labels}인 파드 {there}개가 아직 노드 `{node}`에 있어요.", **values),
                                     _eviction_timeline(facts, avoided)))
    if len(elsewhere) >= values["want"]:
        return passed("{n} pods labelled {labels} run on other nodes than `{node}`.",
                      "레이블이 {labels}인 파드 {n}개가 `{node}`{node:~이/가} 아닌 다른 노드에서 "
                      "실행 중이에요.", **values)
    base = say("Only {n} pods labelled {labels} run on other nodes; {want} needed.",
               "다른 노드에서 실행 중인 레이블 {labels} 파드는 {n}개예요. {want}개가 필요해요.", **values)
    why = reading.trouble(chosen)
    return Verdict(False, joined(base, why) if why else base)


def _eviction_timeline(facts: Facts, name: str) -> dict[str, str]:
    found = facts.state.get("Node", "", name)
    if found is None:
        return say("", "")
    if _ready(found) and not (found.get("spec") or {}).get("unschedulable"):
        return say("The node is healthy, so they stay: stop or drain it to move them.",
                   "노드가 정상이라 파드가 그대로 있어요. 노드를 멈추거나 drain해야 파드가 옮겨 가요.")
    if UNREACHABLE in _taints(found) or NOT_READY in _taints(found):
        return say("The node is tainted NotReady; its pods tolerate that for 300 seconds before they are evicted and "
                   "replaced elsewhere: skip the clock ahead.",
                   "노드에 NotReady 테인트가 붙었어요. 파드는 이 테인트를 300초 동안 견딘 뒤에 축출되고 다른 노드에 "
                   "새로 만들어져요. 시계를 앞으로 돌려 보세요.")
    if (found.get("spec") or {}).get("unschedulable"):
        return say("Cordoning only stops new pods from landing there; `drain` evicts the ones already running.",
                   "cordon은 새 파드가 오지 못하게 할 뿐이에요. 이미 실행 중인 파드는 `drain`으로 내보내야 해요.")
    return say("The node still counts as Ready for up to 40 seconds after its last heartbeat: skip the clock ahead.",
               "노드는 마지막 하트비트 후 최대 40초 동안 Ready로 보여요. 시계를 앞으로 돌려 보세요.")
