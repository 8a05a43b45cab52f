"""What a live view of a sandbox holds: a snapshot of its objects, kept current by events.

A browser (or the instructor dashboard) that opens a sandbox first receives a *snapshot*:
every object it shows, and the resourceVersion the snapshot was taken at. From then on it
receives *batches* of watch events, each saying which resourceVersion it continues from
(`from`) and which it brings the view up to (`to`). Applying the events in order to the
snapshot must give exactly the snapshot one would take now; `tests/cluster/test_snapshot.py`
and the consumer tests hold this module, and `static/js/objects.js` in the browser, to it.

The rules, the same here and in the browser:
- objects are keyed by uid (a name can be reused by a new object; a uid cannot);
- ADDED and MODIFIED put the object, unless the view already holds it at the same or a
  newer resourceVersion (a snapshot may already contain a change the log then replays);
- DELETED removes it;
- a batch whose `from` is not the view's resourceVersion means something was missed:
  the view asks for a new snapshot rather than guess (`Gap`).

What is shown (`view`): every kind except Events and Leases (they change constantly and
the diagram draws neither), and without what can be large but is never drawn (ConfigMap
and Secret data, managedFields, kubectl's last-applied annotation). That keeps a snapshot
of a classroom-sized sandbox far below the ~1 MB a WebSocket message should stay under.
Each shown object carries a `display` entry with what the page prints but should not
recompute in JavaScript: kubectl's STATUS, READY and RESTARTS for pods, a node's Ready state,
why a pod is unscheduled, and requests, usage and allocatable in millicores and bytes (the bars).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cluster import metrics
from cluster.kinds import node as node_kind
from cluster.kinds import pod as pod_kind
from cluster.objects import Obj, condition, copy, split_api_version, uid_of
from cluster.scheduling import resources

WireEvent = dict[str, Any]

# (group, kind) pairs a live view leaves out.
HIDDEN_KINDS = frozenset({("", "Event"), ("events.k8s.io", "Event"), ("coordination.k8s.io", "Lease")})
# Payload fields the diagram never draws; dropping them bounds a snapshot's size.
HIDDEN_PAYLOAD = ("data", "binaryData", "stringData")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


class EventType(StrEnum):
    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"


class Gap(Exception):
    """A batch does not continue from the view's resourceVersion: take a new snapshot."""


@dataclass(frozen=True)
class Snapshot:
    resource_version: int
    objects: Mapping[str, Obj] = field(default_factory=dict)

    def message(self) -> dict[str, Any]:
        """The wire form: `{"type": "snapshot", "resourceVersion": N, "objects": [...]}`."""
        return {"type": "snapshot", "resourceVersion": self.resource_version, "objects": list(self.objects.values())}

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> "Snapshot":
        return cls(int(message["resourceVersion"]), {uid_of(o): o for o in message["objects"]})


def snapshot(objects: Iterable[Obj], resource_version: int) -> Snapshot:
    """The view of `objects` as of `resource_version`."""
    shown = (view(obj) for obj in objects)
    return Snapshot(resource_version, {uid_of(obj): obj for obj in shown if obj is not None})


def event(event_type: str, obj: Obj) -> WireEvent | None:
    """One watch-log entry as a view receives it; None for a kind the view leaves out."""
    shown = view(obj)
    return None if shown is None else {"type": str(EventType(event_type)), "object": shown}


def apply_events(before: Snapshot, events: Iterable[WireEvent], resource_version: int | None = None) -> Snapshot:
    """The snapshot after `events`; its resourceVersion is `resource_version` or the newest event's."""
    objects = dict(before.objects)
    newest = before.resource_version
    for wire in events:
        obj = wire["object"]
        newest = max(newest, version_of(obj))
        _apply_one(objects, EventType(wire["type"]), obj)
    return Snapshot(newest if resource_version is None else resource_version, objects)


def apply_batch(before: Snapshot, batch: Mapping[str, Any]) -> Snapshot:
    """Apply one `{"type": "events", "from", "to", "events"}` message, or raise Gap."""
    if int(batch["from"]) != before.resource_version:
        raise Gap(f"batch continues from {batch['from']}, the view is at {before.resource_version}")
    return apply_events(before, batch["events"], int(batch["to"]))


def _apply_one(objects: dict[str, Obj], event_type: EventType, obj: Obj) -> None:
    uid = uid_of(obj)
    held = objects.get(uid)
    if held is not None and version_of(held) >= version_of(obj):
        return  # the view already has this change, or a newer one
    if event_type is EventType.DELETED:
        objects.pop(uid, None)
    else:
        objects[uid] = obj


def version_of(obj: Obj) -> int:
    return int(obj.get("metadata", {}).get("resourceVersion") or 0)


# --- what a view shows of an object ----------------------------------------------------------

def view(obj: Obj) -> Obj | None:
    """`obj` as a live view shows it, or None when the view leaves its kind out."""
    group, _ = split_api_version(str(obj.get("apiVersion", "v1")))
    if (group, obj.get("kind")) in HIDDEN_KINDS:
        return None
    shown = copy(obj)
    for key in HIDDEN_PAYLOAD:
        shown.pop(key, None)
    meta = shown.get("metadata", {})
    meta.pop("managedFields", None)
    (meta.get("annotations") or {}).pop(LAST_APPLIED, None)
    shown["display"] = display(shown)
    return shown


def display(obj: Obj) -> dict[str, Any]:
    """What the page prints for `obj` that takes Kubernetes knowledge to compute."""
    if obj.get("apiVersion") != "v1":
        return {}
    if obj.get("kind") == "Pod":
        return {"status": pod_kind.display_status(obj), "ready": pod_kind.ready_count(obj),
                "isReady": _is_ready(obj), "restarts": pod_kind.restarts(obj),
                "requests": _amounts(resources.pod_requests(obj)), **_usage(obj), **unscheduled_reason(obj)}
    if obj.get("kind") == "Node":
        allocatable = (obj.get("status") or {}).get("allocatable") or {}
        return {"status": node_kind.display_status(obj),
                "allocatable": _amounts(resources.of_list(allocatable)) if allocatable else {}}
    return {}


def _usage(pod: Obj) -> dict[str, Any]:
    """What the pod uses now (the metrics simulation), for the node's "used" bar; nothing when not running."""
    used = metrics.pod_usage(pod)
    return {} if used is None else {"usage": {"cpu": used.cpu, "memory": used.memory}}


def _is_ready(pod: Obj) -> bool:
    ready = condition(pod, "Ready")
    return ready is not None and ready.get("status") == "True"


def _amounts(amount: resources.Requests) -> dict[str, int]:
    """cpu in millicores, memory in bytes: what the diagram's bars add up."""
    return {"cpu": amount.cpu, "memory": amount.memory}


def is_event(obj: Obj) -> bool:
    return obj.get("kind") == "Event" and obj.get("apiVersion") in ("v1", "events.k8s.io/v1")


def notice(event: Obj) -> dict[str, Any]:
    """A Kubernetes Event as the activity feed lists it: kubectl's `get events` columns."""
    involved = event.get("involvedObject") or event.get("regarding") or {}
    return {"uid": event.get("metadata", {}).get("uid", ""), "type": event.get("type", "Normal"),
            "reason": event.get("reason", ""), "message": event.get("message") or event.get("note", ""),
            "object": f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}",
            "namespace": involved.get("namespace", ""), "count": int(event.get("count") or 1),
            "time": event.get("lastTimestamp") or event.get("eventTime") or "",
            "component": (event.get("source") or {}).get("component", "")}


def unscheduled_reason(pod: Obj) -> dict[str, str]:
    """The scheduler's word on a pod it could not place (the PodScheduled condition's message)."""
    scheduled = condition(pod, "PodScheduled")
    if scheduled is None or scheduled.get("status") != "False":
        return {}
    return {"reason": str(scheduled.get("reason", "")), "message": str(scheduled.get("message", ""))}
