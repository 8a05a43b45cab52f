"""Event: a report of something that happened to an object (`Scheduled`, `Pulled`, `Killing`, ...).

Controllers and the kubelet record events; `kubectl describe` shows the ones about an
object and `kubectl get events` lists them. Repeats of the same event bump `count` and
`lastTimestamp` instead of piling up, and events expire an hour after they last happened.
"""

from datetime import datetime
from typing import Any

from cluster.kinds import Kind, base_fields, register
from cluster.kinds.printing import Column, human_duration
from cluster.objects import Obj, parse_time


def default(event: Obj) -> None:
    event.setdefault("type", "Normal")
    event.setdefault("count", 1)
    event.setdefault("source", {})
    event.setdefault("reportingComponent", event["source"].get("component", ""))
    event.setdefault("reportingInstance", event["source"].get("host", ""))


def involved(key: str) -> Any:
    return lambda event: str((event.get("involvedObject") or {}).get(key, ""))


def last_seen(event: Obj, now: datetime) -> str:
    moment = parse_time(event.get("lastTimestamp") or event.get("eventTime") or
                        (event.get("metadata") or {}).get("creationTimestamp"))
    return "<unknown>" if moment is None else human_duration((now - moment).total_seconds())


def cells(event: Obj, now: datetime) -> list[Any]:
    obj = event.get("involvedObject") or {}
    return [last_seen(event, now), event.get("type", ""), event.get("reason", ""),
            f"{str(obj.get('kind', '')).lower()}/{obj.get('name', '')}", event.get("message", "")]


EVENT = register(Kind(
    group="", version="v1", kind="Event", plural="events", short_names=("ev",), has_spec=False, default=default,
    fields={**base_fields(), **{f"involvedObject.{k}": involved(k) for k in (
        "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")},
        "reason": lambda e: str(e.get("reason", "")), "type": lambda e: str(e.get("type", "")),
        "source": lambda e: str((e.get("source") or {}).get("component", "")),
        "reportingComponent": lambda e: str(e.get("reportingComponent", ""))},
    columns=(Column("Last Seen", description="Time since the event was last seen"),
             Column("Type", description="Type of the event"), Column("Reason", description="Why the event happened"),
             Column("Object", description="The object the event is about"),
             Column("Message", description="A human-readable description of the event")),
    cells=cells,
))
