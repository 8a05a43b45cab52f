"""What several checks need to read: kinds by name, pods by label, and why pods are not ready.

`trouble` is the heart of the misconception-aware explanations: when pods are not where a
step wants them, it says why in the learner's terms (the scheduler's own reason, an image
that cannot be pulled, a container that keeps crashing, a readiness probe that fails),
rather than only counting what is missing.
"""

from collections.abc import Mapping
from typing import Any

from cluster import kinds
from cluster.controllers.pods import is_active, is_ready
from cluster.kinds.pod import display_status
from cluster.objects import Obj, condition, is_terminating, labels_of, name_of
from cluster.stages.pod_status import Reason
from cluster.state import ClusterState
from web.learn.checks.verdict import Text, say

DEFAULT_NAMESPACE = "default"
PULL_FAILURES = (Reason.ERR_IMAGE_PULL, Reason.IMAGE_PULL_BACK_OFF, "InvalidImageName")
CRASHES = (Reason.CRASH_LOOP, Reason.ERROR, Reason.OOM_KILLED)


def kind_named(name: str) -> tuple[str, str]:
    """(group, Kind) for `Pod`, `pod` or `pods`; KeyError for a kind KubeLab does not serve."""
    wanted = name.strip().lower()
    for kind in kinds.all_kinds():
        if wanted in (kind.kind.lower(), kind.plural):
            return kind.group, kind.kind
    raise KeyError(name)


def namespace_in(spec: Mapping[str, Any]) -> str:
    return str(spec.get("namespace") or DEFAULT_NAMESPACE)


def selects(wanted: Mapping[str, Any] | None, obj: Obj) -> bool:
    have = labels_of(obj)
    return all(have.get(str(k)) == str(v) for k, v in (wanted or {}).items())


def label_text(labels: Mapping[str, Any] | None) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "(none)"


def objects(state: ClusterState, kind: str, namespace: str, labels: Mapping[str, Any] | None = None) -> list[Obj]:
    group, canonical = kind_named(kind)
    scoped = namespace if _namespaced(group, canonical) else ""
    found = state.of_kind(canonical, group, scoped)
    return sorted((o for o in found if selects(labels, o)), key=name_of)


def one(state: ClusterState, kind: str, namespace: str, name: str) -> Obj | None:
    group, canonical = kind_named(kind)
    return state.get(canonical, namespace if _namespaced(group, canonical) else "", name, group)


def _namespaced(group: str, kind: str) -> bool:
    found = kinds.by_kind(group, kind)
    return found is None or found.namespaced


def elsewhere(state: ClusterState, kind: str, name: str, namespace: str) -> list[str]:
    """The other namespaces holding an object of that kind and name (the "wrong namespace" mistake)."""
    group, canonical = kind_named(kind)
    return sorted(ns for (ns, n) in ((o["metadata"].get("namespace", ""), name_of(o))
                                     for o in state.of_kind(canonical, group)) if n == name and ns != namespace)


# Kinds that stand in for each other, where a wrong `kind:` is a likely mistake (a Deployment
# `agent` where a DaemonSet was meant); a Service named like its Deployment is no such mistake.
WORKLOAD_KINDS = ("Pod", "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job",
                  "CronJob")


def same_name(state: ClusterState, kind: str, name: str, namespace: str) -> str:
    """Another workload kind that has an object of this name here."""
    _, wanted = kind_named(kind)
    if wanted not in WORKLOAD_KINDS:
        return ""
    for other in WORKLOAD_KINDS:
        if other != wanted and one(state, other, namespace, name) is not None:
            return other
    return ""


def pods(state: ClusterState, namespace: str, labels: Mapping[str, Any] | None = None) -> list[Obj]:
    return sorted((p for p in state.of_kind("Pod", "", namespace) if selects(labels, p)), key=name_of)


def running(pod: Obj) -> bool:
    return is_active(pod) and (pod.get("status") or {}).get("phase") == "Running"


# Labels controllers add to the pods they make: not what a learner wrote, so left out of explanations.
SYSTEM_LABELS = ("pod-template-hash", "controller-revision-hash", "controller-uid", "job-name")


def learner_labels(obj: Obj, keys: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The labels a learner wrote (only the selector's `keys` when the object has any of them)."""
    mine = {k: v for k, v in labels_of(obj).items() if "kubernetes.io/" not in k and k not in SYSTEM_LABELS}
    wanted = {k: v for k, v in mine.items() if keys and k in keys}
    return wanted or mine


def labelled_otherwise(state: ClusterState, namespace: str, keys: Mapping[str, Any] | None = None) -> str:
    """The label sets of the pods in a namespace, for "your pods are labelled ..." (at most three)."""
    sets = sorted({label_text(learner_labels(p, keys)) for p in pods(state, namespace) if not is_terminating(p)})
    return "; ".join(sets[:3])


def trouble(pods_seen: list[Obj]) -> Text | None:
    """Why the first pod that is not Ready is not: in the learner's terms, or None if all are fine."""
    for pod in pods_seen:
        if is_active(pod) and not is_ready(pod):
            return pod_trouble(pod)
    return None


def pod_trouble(pod: Obj) -> Text:
    name, status = name_of(pod), display_status(pod)
    scheduled = condition(pod, "PodScheduled")
    if not pod.get("spec", {}).get("nodeName") and scheduled and scheduled.get("status") == "False":
        return say("Pod `{pod}` cannot be scheduled: {why}", "파드 `{pod}`{pod:~을/를} 스케줄할 수 없어요: {why}",
                   pod=name, why=scheduled.get("message", scheduled.get("reason", "")))
    if status in PULL_FAILURES:
        return say("Pod `{pod}` cannot pull its image `{image}` ({status}): check the image name and tag.",
                   "파드 `{pod}`{pod:~이/가} 이미지 `{image}`{image:~을/를} 받지 못해요({status}). 이미지 이름과 "
                   "태그를 확인해 보세요.",
                   pod=name, image=_image(pod), status=status)
    if status in CRASHES:
        return say("Pod `{pod}`'s container keeps exiting ({status}); `logs {pod} --previous` shows why.",
                   "파드 `{pod}`의 컨테이너가 계속 종료돼요({status}). `logs {pod} --previous`로 이유를 볼 수 있어요.",
                   pod=name, status=status)
    if (pod.get("status") or {}).get("phase") == "Running":
        return say("Pod `{pod}` is running but not Ready: its readiness probe does not pass yet.",
                   "파드 `{pod}`{pod:~은/는} 실행 중이지만 아직 Ready가 아니에요. 준비성 프로브(readiness probe)가 "
                   "통과하지 못했어요.",
                   pod=name)
    return say("Pod `{pod}` is still starting ({status}); give it a moment.",
               "파드 `{pod}`{pod:~이/가} 아직 시작하는 중이에요({status}). 잠시 "
               "기다려 보세요.", pod=name, status=status)


def _image(pod: Obj) -> str:
    containers = pod.get("spec", {}).get("containers") or [{}]
    return str(containers[0].get("image", ""))
