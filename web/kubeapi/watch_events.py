"""What one watcher is told about each change in the watch log, and in which words.

A watch (`GET /api/v1/namespaces/default/pods?watch=true&labelSelector=app=web`) sees the
changes of one kind, in one namespace or all, that match its selectors. The log says what
happened to an object (ADDED, MODIFIED, DELETED); the watcher is told what happened *to its
view*, as the real API server's watch cache does: an object that is modified so that it
starts matching the selectors arrives as ADDED, one that stops matching leaves as DELETED
(carrying its last matching state, stamped with the new resourceVersion), and changes on
either side of the selector that never match are not sent at all.

The lines themselves are `{"type": ..., "object": ...}` JSON, the object being the object,
or a one-row Table when kubectl asked for Tables; BOOKMARK events carry only a
resourceVersion, ERROR events a `Status`. Nothing here touches the database or the network:
`cluster.store` readers and the streaming live in `web.kubeapi.watch`.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from cluster import errors, selectors
from cluster.kinds import Kind
from cluster.objects import Obj, copy, name_of, namespace_of
from web.kubeapi import tables

# The annotation on the bookmark that ends the initial events of `sendInitialEvents=true`.
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


class EventType(StrEnum):
    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"
    BOOKMARK = "BOOKMARK"
    ERROR = "ERROR"


class Change(NamedTuple):
    """One entry of the watch log, as the watcher reads it."""

    type: str
    group: str
    kind: str
    namespace: str
    name: str
    resource_version: int
    object: Obj


@dataclass(frozen=True)
class Prior:
    """An object's state just before a change, as the log remembers it (None: it did not exist)."""

    object: Obj | None


# (namespace, name, resourceVersion) -> the state before that change, or None if the log has forgotten.
PriorLookup = Callable[[str, str, int], Prior | None]


@dataclass(frozen=True)
class Criteria:
    """Which objects a watch is about: one kind, a namespace (None: all) and the selectors."""

    kind: Kind
    namespace: str | None = None
    labels: selectors.Selector = selectors.EVERYTHING
    fields: tuple[selectors.FieldRequirement, ...] = ()

    @property
    def selects_everything(self) -> bool:
        return self.labels.empty and not self.fields

    def in_scope(self, change: Change) -> bool:
        return (change.group == self.kind.group and change.kind == self.kind.kind
                and (self.namespace is None or change.namespace == self.namespace))

    def selects(self, obj: Obj) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        return self.labels.matches(labels) and selectors.matches_fields(obj, self.fields, self.kind.fields)


def _no_lookup(namespace: str, name: str, resource_version: int) -> Prior | None:
    return None


@dataclass
class View:
    """What one watcher believes matches, so that each change can be told as the watcher sees it.

    Seeded from a list, the view is complete: an object it does not hold did not match.
    Started from a resourceVersion, it asks `lookup` (the log) what an object looked like
    before its first change in the stream, and falls back on the object's new state.
    """

    criteria: Criteria
    lookup: PriorLookup = _no_lookup
    complete: bool = False
    matching: dict[tuple[str, str], Obj] = field(default_factory=dict)
    known: set[tuple[str, str]] = field(default_factory=set)

    def seed(self, objects: Iterable[Obj]) -> None:
        """Start from a list: these objects match, nothing else does."""
        self.complete = True
        for obj in objects:
            self.matching[(namespace_of(obj), name_of(obj))] = obj

    def tell(self, change: Change) -> tuple[EventType, Obj] | None:
        """The event this watcher gets for `change`, or None when the change is none of its business."""
        if not self.criteria.in_scope(change):
            return None
        if self.criteria.selects_everything:
            return EventType(change.type), change.object
        before = self._before(change)
        now_matches = change.type != EventType.DELETED and self.criteria.selects(change.object)
        self._remember(change, now_matches)
        return _transition(change, before, now_matches)

    def _before(self, change: Change) -> Obj | None:
        key = (change.namespace, change.name)
        if key in self.matching or self.complete or key in self.known:
            return self.matching.get(key)
        prior = self.lookup(change.namespace, change.name, change.resource_version)
        # A change the log no longer remembers the start of: assume the object was as it is now.
        state = change.object if prior is None else prior.object
        return state if state is not None and self.criteria.selects(state) else None

    def _remember(self, change: Change, matches: bool) -> None:
        key = (change.namespace, change.name)
        self.known.add(key)
        if matches:
            self.matching[key] = change.object
        else:
            self.matching.pop(key, None)


def _transition(change: Change, before: Obj | None, now_matches: bool) -> tuple[EventType, Obj] | None:
    if now_matches:
        return (EventType.MODIFIED if before is not None and change.type != EventType.ADDED
                else EventType.ADDED), change.object
    if before is None:
        return None
    if change.type == EventType.DELETED:
        return EventType.DELETED, change.object
    # It stopped matching: the watcher sees it leave in its last matching state, at the new version.
    gone = copy(before)
    gone["metadata"]["resourceVersion"] = str(change.resource_version)
    return EventType.DELETED, gone


@dataclass
class Renderer:
    """Turns events into the lines of the stream: objects, or one-row Tables for kubectl."""

    kind: Kind
    as_table: bool = False
    include: tables.IncludeObject = tables.IncludeObject.METADATA
    headers_sent: bool = False

    def event(self, event_type: EventType, obj: Obj, now: datetime) -> bytes:
        if self.as_table and event_type in (EventType.ADDED, EventType.MODIFIED, EventType.DELETED):
            obj = tables.watch_table(self.kind, obj, now, self.include, headers=not self.headers_sent)
            self.headers_sent = True
        return line(event_type, obj)

    def bookmark(self, resource_version: int, *, initial_events_end: bool = False) -> bytes:
        metadata: dict[str, Any] = {"resourceVersion": str(resource_version)}
        if initial_events_end:
            metadata["annotations"] = {INITIAL_EVENTS_END: "true"}
        return line(EventType.BOOKMARK, {"kind": self.kind.kind, "apiVersion": self.kind.api_version,
                                         "metadata": metadata})


def line(event_type: EventType, obj: Obj) -> bytes:
    return json.dumps({"type": event_type.value, "object": obj}, separators=(",", ":")).encode() + b"\n"


def error_line(error: errors.StatusError) -> bytes:
    return line(EventType.ERROR, error.to_status())


def too_old(requested: int, oldest: int) -> errors.StatusError:
    """410 Expired: the log no longer reaches back to the requested resourceVersion."""
    return errors.expired(f"too old resource version: {requested} ({oldest})")


def too_large(requested: int, current: int) -> errors.StatusError:
    """504: a `sendInitialEvents` watch asked for a state newer than the cluster has reached."""
    return errors.StatusError(504, "Timeout", f"Timeout: Too large resource version: {requested}, current: {current}",
                              {"causes": [{"reason": "ResourceVersionTooLarge",
                                           "message": "Too large resource version"}],
                               "retryAfterSeconds": 1})
