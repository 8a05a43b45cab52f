"""Which nodes a DaemonSet's pod belongs on, and the pod it puts there.

A DaemonSet wants one pod on every node that its pod may run on: the node matches the
template's `nodeSelector` and required node affinity, and every NoSchedule or NoExecute
taint on it is tolerated. A cordoned node (`spec.unschedulable`) still counts, because every
daemon pod tolerates `node.kubernetes.io/unschedulable`, as it tolerates the node-pressure
taints (`AddOrUpdateDaemonPodTolerations`): a node agent must keep running on a node in
trouble.

A node can fall between the two (`Placement`): a pod should not be started there (say a
NoSchedule taint appeared), yet the one already running may stay, because only a NoExecute
taint evicts. The controller pins each pod to its node with required node affinity
`matchFields metadata.name In [node]`; the default scheduler then binds it there.
"""

from dataclasses import dataclass
from typing import Any

from cluster.controllers import pods as podutil
from cluster.controllers.revisions import POD_LABEL
from cluster.objects import Obj, annotations_of, copy, labels_of, name_of
from cluster.scheduling.affinity import NodeConstraint
from cluster.scheduling.taints import (
    NOT_READY,
    UNREACHABLE,
    UNSCHEDULABLE,
    Effect,
    first_untolerated,
    node_taints,
    tolerated,
    tolerations_of,
)

# The label with the template generation, kept for pods made by old controllers.
GENERATION_LABEL = "pod-template-generation"
GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
NODE_NAME_FIELD = "metadata.name"
DAEMON_TOLERATIONS: tuple[dict[str, str], ...] = (
    {"key": NOT_READY, "operator": "Exists", "effect": Effect.NO_EXECUTE},
    {"key": UNREACHABLE, "operator": "Exists", "effect": Effect.NO_EXECUTE},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": Effect.NO_SCHEDULE},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": Effect.NO_SCHEDULE},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": Effect.NO_SCHEDULE},
    {"key": UNSCHEDULABLE, "operator": "Exists", "effect": Effect.NO_SCHEDULE},
)
# Only pods on the host's network may start before the node's network is up.
HOST_NETWORK_TOLERATION = {"key": "node.kubernetes.io/network-unavailable", "operator": "Exists",
                           "effect": Effect.NO_SCHEDULE}


@dataclass(frozen=True, slots=True)
class Placement:
    should_run: bool  # a daemon pod should be started here
    should_continue: bool  # a daemon pod already here may stay


def template(ds: Obj, hash_text: str) -> dict[str, Any]:
    """The DaemonSet's pod template with the daemon tolerations and the revision labels (CreatePodTemplate)."""
    result = copy((ds.get("spec") or {}).get("template") or {})
    spec = result.setdefault("spec", {})
    for toleration in daemon_tolerations(spec):
        add_or_update_toleration(spec, toleration)
    labels = result.setdefault("metadata", {}).setdefault("labels", {})
    generation = annotations_of(ds).get(GENERATION_ANNOTATION)
    if generation is not None:
        labels[GENERATION_LABEL] = generation
    labels[POD_LABEL] = hash_text
    return result


def daemon_tolerations(spec: dict[str, Any]) -> tuple[dict[str, str], ...]:
    return (*DAEMON_TOLERATIONS, HOST_NETWORK_TOLERATION) if spec.get("hostNetwork") else DAEMON_TOLERATIONS


def add_or_update_toleration(spec: dict[str, Any], toleration: dict[str, str]) -> None:
    """Replace the toleration with the same key, operator, value and effect, or append it."""
    tolerations = spec.setdefault("tolerations", [])
    for i, old in enumerate(tolerations):
        if all((old.get(k) or "") == (toleration.get(k) or "") for k in ("key", "operator", "value", "effect")):
            tolerations[i] = dict(toleration)
            return
    tolerations.append(dict(toleration))


def placement_on(pod_template: dict[str, Any], node: Obj) -> Placement:
    """Kubernetes' NodeShouldRunDaemonPod, for a template already carrying the daemon tolerations."""
    spec = pod_template.get("spec") or {}
    if spec.get("nodeName") not in (None, "", name_of(node)):
        return Placement(False, False)
    constraint = NodeConstraint.of(pod_template)
    if not constraint.empty and not constraint.matches(name_of(node), labels_of(node)):
        return Placement(False, False)
    taints, tolerations = node_taints(node), tolerations_of(pod_template)
    if first_untolerated(taints, tolerations) is None:
        return Placement(True, True)
    evicting = [t for t in taints if t.effect == Effect.NO_EXECUTE and not tolerated(t, tolerations)]
    return Placement(False, not evicting)


def new_pod(ds: Obj, pod_template: dict[str, Any], node_name: str, name: str) -> Obj:
    """A daemon pod pinned to `node_name` by node affinity, for the scheduler to bind."""
    pod = podutil.from_template(ds, pod_template, name)
    pod["spec"]["affinity"] = pinned_affinity(pod["spec"].get("affinity"), node_name)
    return pod


def pinned_affinity(affinity: dict[str, Any] | None, node_name: str) -> dict[str, Any]:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: the required node terms become `metadata.name In [node]`."""
    result = copy(affinity or {})
    term = {"matchFields": [{"key": NODE_NAME_FIELD, "operator": "In", "values": [node_name]}]}
    node_affinity = result.setdefault("nodeAffinity", {})
    required = node_affinity.setdefault("requiredDuringSchedulingIgnoredDuringExecution", {})
    required["nodeSelectorTerms"] = [term]
    return result


def target_node(pod: Obj) -> str:
    """The node a daemon pod is for: where it is bound, or else the node its affinity pins it to."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution") or {}
    for term in required.get("nodeSelectorTerms") or []:
        for field in term.get("matchFields") or []:
            values = field.get("values") or []
            if field.get("key") == NODE_NAME_FIELD and field.get("operator") == "In" and len(values) == 1:
                return str(values[0])
    return ""
