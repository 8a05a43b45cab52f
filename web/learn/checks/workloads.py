"""Checks on workloads: a Deployment rolled out, its ReplicaSets, StatefulSets and DaemonSets ready.

A workload that is not there yet usually has a reason a learner can act on: it asks for
another number of replicas, runs another image, or its pods cannot start. The explanation
names that reason instead of counting what is missing.
"""

from typing import Any

from cluster.controllers.deployment.revisions import REVISION
from cluster.objects import Obj, is_controlled_by, name_of
from web.learn.checks import reading
from web.learn.checks.objects import exists
from web.learn.checks.registry import Spec, check
from web.learn.checks.verdict import Facts, Verdict, failed, joined, passed, say


def _missing(facts: Facts, kind: str, spec: Spec) -> Verdict:
    name = spec.get("name", spec.get("owner"))
    return exists(facts, {"kind": kind, "name": name, "namespace": spec.get("namespace")})


def _status(obj: Obj, field: str) -> int:
    return int((obj.get("status") or {}).get(field) or 0)


def _owned_pods(facts: Facts, owner: Obj) -> list[Obj]:
    """The pods of a workload, through its ReplicaSets for a Deployment."""
    owned = facts.state.owned_by(owner["metadata"]["uid"])
    pods = [o for o in owned if o.get("kind") == "Pod"]
    for rs in (o for o in owned if o.get("kind") == "ReplicaSet"):
        pods += [p for p in facts.state.owned_by(rs["metadata"]["uid"]) if p.get("kind") == "Pod"]
    return sorted(pods, key=name_of)


@check("deployment", required=("name",), optional=("namespace", "available", "image"))
def deployment(facts: Facts, spec: Spec) -> Verdict:
    found = reading.one(facts.state, "Deployment", reading.namespace_in(spec), str(spec["name"]))
    if found is None:
        return _missing(facts, "Deployment", spec)
    values = {"name": spec["name"], "want": spec.get("available"), "image": spec.get("image"),
              "replicas": (found.get("spec") or {}).get("replicas", 1), "running": _image(found)}
    if "available" in spec and int(values["replicas"]) != int(spec["available"]):
        return failed("Deployment `{name}` asks for {replicas} replicas (`spec.replicas`); this step needs {want}.",
                      "디플로이먼트 `{name}`의 레플리카 수(`spec.replicas`)가 {replicas}개예요. 이 단계에서는 "
                      "{want}개가 "
                      "필요해요.", **values)
    if "image" in spec and values["running"] != str(spec["image"]):
        return failed("Deployment `{name}`'s pod template runs `{running}`; this step wants `{image}`.",
                      "디플로이먼트 `{name}`의 파드 템플릿 이미지가 `{running}`이에요. 이 단계에서는 "
                      "`{image}`여야 해요.",
                      **values)
    return _rolled_out(facts, found, values)


def _rolled_out(facts: Facts, found: Obj, values: dict[str, Any]) -> Verdict:
    replicas = int(values["replicas"])
    counts = {k: _status(found, k) for k in ("updatedReplicas", "availableReplicas", "replicas")}
    observed = _status(found, "observedGeneration") >= int(found["metadata"].get("generation", 1))
    if observed and all(n == replicas for n in counts.values()):
        return passed("Deployment `{name}` is rolled out: {replicas} of {replicas} pods up to date and available.",
                      "디플로이먼트 `{name}`의 롤아웃이 끝났어요. 파드 {replicas}개가 모두 최신이고 "
                      "사용 가능해요.", **values)
    progress = say("Deployment `{name}` is not rolled out yet: {updated} of {replicas} pods up to date, {available} "
                   "available, {total} in all.",
                   "디플로이먼트 `{name}`의 롤아웃이 아직 끝나지 않았어요. 최신 파드 {updated}/{replicas}개, 사용 가능 "
                   "{available}개, 전체 {total}개예요.", updated=counts["updatedReplicas"],
                   available=counts["availableReplicas"], total=counts["replicas"], **values)
    why = reading.trouble(_owned_pods(facts, found))
    return Verdict(False, joined(progress, why) if why else progress)


def _image(workload: Obj) -> str:
    containers = (((workload.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or [{}]
    return str(containers[0].get("image", ""))


@check("replicaset", required=("owner",), optional=("namespace",), one_of=("count", "revisions_at_least"))
def replicasets(facts: Facts, spec: Spec) -> Verdict:
    owner = reading.one(facts.state, "Deployment", reading.namespace_in(spec), str(spec["owner"]))
    if owner is None:
        return _missing(facts, "Deployment", spec)
    owned = [rs for rs in facts.state.of_kind("ReplicaSet", "apps", reading.namespace_in(spec))
             if is_controlled_by(rs, owner)]
    values = {"owner": spec["owner"], "n": len(owned), "want": spec.get("count", spec.get("revisions_at_least"))}
    if "count" in spec and len(owned) != int(spec["count"]):
        return failed("Deployment `{owner}` owns {n} ReplicaSets; this step expects {want}. Each change to the pod "
                      "template makes a new ReplicaSet; scaling does not.",
                      "디플로이먼트 `{owner}`{owner:~이/가} 가진 레플리카셋은 {n}개예요. 이 단계에서는 {want}개여야 "
                      "해요. 파드 템플릿을 "
                      "바꿀 때마다 새 레플리카셋이 생기지만, 스케일만 바꾸면 생기지 않아요.", **values)
    revision = max([int(rs["metadata"].get("annotations", {}).get(REVISION, 0) or 0) for rs in owned] or [0])
    if "revisions_at_least" in spec and revision < int(spec["revisions_at_least"]):
        return failed("Deployment `{owner}` is at revision {revision}; this step needs revision {want}. Change the pod "
                      "template again (for example its image): changing `replicas` makes no new revision.",
                      "디플로이먼트 `{owner}`{owner:~은/는} 리비전 {revision}에 있어요. 이 단계에서는 리비전 "
                      "{want}까지 필요해요. 파드 "
                      "템플릿(예: 이미지)을 한 번 더 바꿔 보세요. `replicas`만 바꾸면 새 리비전이 생기지 않아요.",
                      revision=revision, **values)
    return passed("Deployment `{owner}` owns {n} ReplicaSets (revision {revision}).",
                  "디플로이먼트 `{owner}`{owner:~은/는} 레플리카셋 {n}개를 가지고 있어요(리비전 "
                  "{revision}).", revision=revision,
                  **values)


@check("statefulset", required=("name", "ready"), optional=("namespace",))
def statefulset(facts: Facts, spec: Spec) -> Verdict:
    found = reading.one(facts.state, "StatefulSet", reading.namespace_in(spec), str(spec["name"]))
    if found is None:
        return _missing(facts, "StatefulSet", spec)
    values = {"name": spec["name"], "want": int(spec["ready"]), "ready": _status(found, "readyReplicas"),
              "replicas": (found.get("spec") or {}).get("replicas", 1)}
    if int(values["replicas"]) < values["want"]:
        return failed("StatefulSet `{name}` asks for {replicas} replicas; this step needs {want}.",
                      "스테이트풀셋 `{name}`의 레플리카 수가 {replicas}개예요. 이 단계에서는 "
                      "{want}개가 필요해요.", **values)
    if values["ready"] >= values["want"]:
        return passed("StatefulSet `{name}` has {ready} ready pods.",
                      "스테이트풀셋 `{name}`의 파드 {ready}개가 준비됐어요.", **values)
    base = say("StatefulSet `{name}` has {ready} of {want} pods ready. It starts them one at a time, in order: "
               "`{name}-1` waits until `{name}-0` is Ready.",
               "스테이트풀셋 `{name}`의 파드가 {want}개 중 {ready}개만 준비됐어요. 스테이트풀셋은 파드를 "
               "순서대로 하나씩 "
               "띄워요. `{name}-1`은 `{name}-0`이 Ready가 될 때까지 기다려요.", **values)
    why = reading.trouble(_owned_pods(facts, found))
    return Verdict(False, joined(base, why) if why else base)


@check("daemonset", required=("name", "ready_equals_nodes"), optional=("namespace",))
def daemonset(facts: Facts, spec: Spec) -> Verdict:
    found = reading.one(facts.state, "DaemonSet", reading.namespace_in(spec), str(spec["name"]))
    if found is None:
        return _missing(facts, "DaemonSet", spec)
    nodes = len(facts.state.of_kind("Node"))
    values = {"name": spec["name"], "nodes": nodes, "ready": _status(found, "numberReady"),
              "desired": _status(found, "desiredNumberScheduled")}
    if values["ready"] == nodes and values["desired"] == nodes:
        return passed("DaemonSet `{name}` runs a ready pod on each of the {nodes} nodes.",
                      "데몬셋 `{name}`{name:~이/가} 노드 {nodes}개마다 준비된 파드를 하나씩 실행하고 있어요.", **values)
    if values["desired"] < nodes:
        return failed("DaemonSet `{name}` wants pods on {desired} of the {nodes} nodes: a node with a taint its pods "
                      "do not tolerate (or a nodeSelector they do not match) gets none.",
                      "데몬셋 `{name}`{name:~은/는} 노드 {nodes}개 중 {desired}개에만 파드를 두려고 해요. 파드가 "
                      "톨러레이션으로 "
                      "견디지 못하는 테인트가 있거나 nodeSelector에 맞지 않는 노드에는 파드가 가지 않아요.", **values)
    base = say("DaemonSet `{name}` has {ready} ready pods for {nodes} nodes.",
               "데몬셋 `{name}`의 준비된 파드는 {ready}개인데 노드는 {nodes}개예요.", **values)
    why = reading.trouble(_owned_pods(facts, found))
    return Verdict(False, joined(base, why) if why else base)
