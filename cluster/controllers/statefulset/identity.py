"""A StatefulSet pod's identity: its ordinal, its name, its hostname, and the revision it was made from.

Pod `web-2` is ordinal 2 of StatefulSet `web`, always: if it is deleted, the replacement
is `web-2` again, with the same hostname (`spec.hostname: web-2`) under the same
subdomain (`spec.subdomain`, the set's `serviceName`), so its DNS name
`web-2.<service>.<namespace>.svc.cluster.local` and its volumes follow it. Labels say the
same for selectors: `statefulset.kubernetes.io/pod-name` (a Service can target one pod)
and `apps.kubernetes.io/pod-index`.

The ordinals run from `spec.ordinals.start` (0 unless set) for `spec.replicas` pods; a pod
outside that range is "condemned" and is removed from the highest ordinal down.
"""

import re
from typing import Any

from cluster.controllers import pods as podutil
from cluster.controllers.revisions import POD_LABEL
from cluster.objects import Obj, is_terminating, labels_of, name_of, namespace_of

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
_MEMBER = re.compile(r"^(.*)-([0-9]+)$")


def parent_and_ordinal(pod: Obj) -> tuple[str, int]:
    """`web-2` -> ("web", 2); a name without a trailing number -> ("", -1)."""
    match = _MEMBER.match(name_of(pod))
    if match is None:
        return "", -1
    return match.group(1), int(match.group(2))


def ordinal_of(pod: Obj) -> int:
    return parent_and_ordinal(pod)[1]


def is_member(sts: Obj, pod: Obj) -> bool:
    return parent_and_ordinal(pod)[0] == name_of(sts)


def start_ordinal(sts: Obj) -> int:
    return int(((sts.get("spec") or {}).get("ordinals") or {}).get("start") or 0)


def replica_count(sts: Obj) -> int:
    return int((sts.get("spec") or {}).get("replicas", 1))


def in_range(sts: Obj, ordinal: int) -> bool:
    return start_ordinal(sts) <= ordinal < start_ordinal(sts) + replica_count(sts)


def pod_name(sts: Obj, ordinal: int) -> str:
    return f"{name_of(sts)}-{ordinal}"


def revision_of(pod: Obj) -> str:
    return labels_of(pod).get(POD_LABEL, "")


def identity_labels(sts: Obj, ordinal: int) -> dict[str, str]:
    return {POD_NAME_LABEL: pod_name(sts, ordinal), POD_INDEX_LABEL: str(ordinal)}


def identity_matches(sts: Obj, pod: Obj) -> bool:
    parent, ordinal = parent_and_ordinal(pod)
    return (ordinal >= 0 and parent == name_of(sts) and namespace_of(pod) == namespace_of(sts)
            and identity_labels(sts, ordinal).items() <= labels_of(pod).items())


def new_pod(sts: Obj, template: dict[str, Any], ordinal: int, revision: str) -> Obj:
    """newVersionedStatefulSetPod: the template's pod with its identity, its claims' volumes and its revision.

    It has no status yet: that is how the sync tells a pod it is about to create from one that exists.
    """
    pod = podutil.from_template(sts, template, pod_name(sts, ordinal))
    pod["metadata"]["labels"].update({**identity_labels(sts, ordinal), POD_LABEL: revision})
    pod["spec"]["hostname"] = name_of(pod)
    if sts["spec"].get("serviceName"):
        pod["spec"]["subdomain"] = sts["spec"]["serviceName"]
    pod["spec"]["volumes"] = claim_volumes(sts, ordinal) + [
        v for v in pod["spec"].get("volumes") or [] if v.get("name") not in _template_names(sts)]
    return pod


def claim_name(sts: Obj, template_name: str, ordinal: int) -> str:
    """`<template>-<set>-<ordinal>`, e.g. `data-web-0`: the claim that follows ordinal 0 forever."""
    return f"{template_name}-{name_of(sts)}-{ordinal}"


def claim_volumes(sts: Obj, ordinal: int) -> list[dict[str, Any]]:
    return [{"name": name, "persistentVolumeClaim": {"claimName": claim_name(sts, name, ordinal)}}
            for name in _template_names(sts)]


def _template_names(sts: Obj) -> list[str]:
    return [name_of(t) for t in (sts.get("spec") or {}).get("volumeClaimTemplates") or []]


# --- how far along a pod is -------------------------------------------------------------

def is_created(pod: Obj) -> bool:
    return bool((pod.get("status") or {}).get("phase"))


def phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def running_and_ready(pod: Obj) -> bool:
    return phase(pod) == "Running" and podutil.is_ready(pod)


def is_healthy(pod: Obj) -> bool:
    return running_and_ready(pod) and not is_terminating(pod)
