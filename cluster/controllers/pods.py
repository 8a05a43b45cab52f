"""What workload controllers need to know about pods: which count, which are ready, how to make one.

A pod "counts" towards a ReplicaSet while it is active: not finished (Succeeded or Failed)
and not being deleted. It is ready when its Ready condition is True, and available once it
has been ready for the owner's `minReadySeconds`.
"""

from datetime import datetime, timedelta
from typing import Any

from cluster.admission import generated_name
from cluster.objects import Obj, condition, copy, name_of, namespace_of, owner_reference, parse_time
from cluster.state import ClusterState

FINISHED = ("Succeeded", "Failed")


def is_active(pod: Obj) -> bool:
    return pod.get("status", {}).get("phase") not in FINISHED and not pod["metadata"].get("deletionTimestamp")


def is_ready(pod: Obj) -> bool:
    ready = condition(pod, "Ready")
    return ready is not None and ready.get("status") == "True"


def ready_since(pod: Obj) -> datetime | None:
    ready = condition(pod, "Ready")
    if ready is None or ready.get("status") != "True":
        return None
    return parse_time(ready.get("lastTransitionTime")) or parse_time(pod["metadata"].get("creationTimestamp"))


def is_available(pod: Obj, min_ready_seconds: int, now: datetime) -> bool:
    since = ready_since(pod)
    return since is not None and since + timedelta(seconds=min_ready_seconds) <= now


def available_at(pod: Obj, min_ready_seconds: int) -> datetime | None:
    """When a ready pod becomes available: the owner wants to look again then."""
    since = ready_since(pod)
    return None if since is None else since + timedelta(seconds=min_ready_seconds)


def from_template(owner: Obj, template: dict[str, Any], name: str) -> Obj:
    """A new pod from an owner's pod template, owned by it, as Kubernetes' GetPodFromTemplate builds it."""
    template = copy(template)
    meta = template.get("metadata") or {}
    pod_meta: dict[str, Any] = {"name": name, "generateName": f"{name_of(owner)}-",
                                "namespace": namespace_of(owner), "labels": dict(meta.get("labels") or {}),
                                "ownerReferences": [owner_reference(owner)]}
    if meta.get("annotations"):
        pod_meta["annotations"] = dict(meta["annotations"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": template.get("spec") or {}}


def free_name(state: ClusterState, owner: Obj, attempt: int) -> str:
    """`<owner>-<5 chars>`: fresh for every pod (seeded by the sandbox's resourceVersion, so a replacement
    gets a new name), the same in two sandboxes that went through the same steps, never one that is taken."""
    prefix, namespace = f"{name_of(owner)}-", namespace_of(owner)
    while True:
        name = generated_name(prefix, f"{name_of(owner)}/{state.resource_version}/{attempt}")
        if state.get("Pod", namespace, name) is None:
            return name
        attempt += 1


def deletion_rank(pod: Obj) -> tuple[Any, ...]:
    """Kubernetes' order for scaling down: unscheduled, pending, not ready, restarting, newest go first."""
    status = pod.get("status") or {}
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(status.get("phase", "Pending"), 0)
    restarts = sum(int(cs.get("restartCount", 0)) for cs in status.get("containerStatuses") or [])
    created = pod["metadata"].get("creationTimestamp", "")
    return (bool(pod.get("spec", {}).get("nodeName")), phase_rank, is_ready(pod), -restarts,
            _negated(created), name_of(pod))


def _negated(text: str) -> tuple[int, ...]:
    """Sort newest first by turning the timestamp's characters into descending order keys."""
    return tuple(-ord(c) for c in text)
