"""The one write path of the simulated cluster.

Everything that changes a sandbox (the Kubernetes API, the web console, controllers, the
scheduler, the kubelet) goes through this module. Each write, in one transaction:

1. takes the next resourceVersion from the sandbox's counter (the row update also
   serialises writers of one sandbox, so resourceVersion order is commit order);
2. runs admission (`cluster.admission`): strip, name, default, validate, generation;
3. writes the object conditionally on the resourceVersion the writer read, so a stale
   writer gets a Conflict instead of silently overwriting someone else's change;
4. appends a WatchEvent (ADDED, MODIFIED or DELETED) to the watch log;
5. after commit, and only then, announces the change (`cluster.announce`).

No model signals, no logic in `save()`: announcements are only sent from here.
"""

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction

from cluster import admission, announce, clock, errors, kinds, quota_usage, rows
from cluster.actions import Action, AppendLog, Create, Delete, Emit, Remove, Update, WakeAt
from cluster.kinds import Kind
from cluster.models import KubeObject, LogLine, Sandbox, WatchEvent
from cluster.objects import Obj, Ref, copy, name_of, namespace_of, rfc3339, split_api_version

# Reads live in cluster/reads.py; they are re-exported here so callers keep one entry point.
from cluster.reads import events_after as events_after
from cluster.reads import get as get
from cluster.reads import list_objects as list_objects
from cluster.reads import load_state as load_state
from cluster.reads import oldest_watchable as oldest_watchable
from cluster.state import ClusterState, event_key

log = logging.getLogger(__name__)

# Finalizers the garbage collector understands, set by a delete's propagationPolicy.
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
PROPAGATIONS = ("Background", "Foreground", "Orphan")


def kind_of(obj: Obj) -> Kind:
    kind = kinds.for_object(obj)
    if kind is None:
        raise errors.bad_request(f'no kind "{obj.get("kind")}" is registered for version "{obj.get("apiVersion")}"')
    return kind


@dataclass
class _Writes:
    """The writes of one transaction: reserves resourceVersions and announces once, after commit."""

    sandbox: Sandbox
    now: datetime
    from_api: bool
    state: ClusterState | None = None
    last_rv: int = 0
    announced: bool = False
    log: list[tuple[Any, ...]] = field(default_factory=list)
    flushed: int = 0
    logged: int = 0
    # Who wrote (a controller's name, or "apiserver" for the API) and the plain sentences its
    # actions carried, announced with the hint for the page's activity feed and architecture strip.
    actor: str = "apiserver"
    narrations: list[str] = field(default_factory=list)
    # Controllers' writes come in batches: their resourceVersions are reserved in one step and
    # their new rows inserted in one statement, which is most of what makes a round fast.
    reserved: list[int] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    pending: set[tuple[str, str, str, str]] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.log) + self.flushed + self.logged

    def announce_logs(self) -> None:
        if not self.announced:
            self.last_rv = self.sandbox.resource_version
            self._announce_on_commit()

    def next_rv(self) -> int:
        if not self.reserved:
            self.reserve(1)
        return self.reserved.pop(0)

    def reserve(self, count: int) -> None:
        """Take the next `count` resourceVersions (unused ones are harmless gaps: versions are opaque)."""
        # A learner's write wakes the reconcile loop; the loop's own writes need not.
        dirty = ", dirty = %s" if self.from_api else ""
        params: list[Any] = [True] if self.from_api else []
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE cluster_sandbox SET resource_version = resource_version + %s{dirty} "
                "WHERE id = %s RETURNING resource_version", [count, *params, self.sandbox.pk])
            row = cursor.fetchone()
        if row is None:
            raise errors.not_found("sandboxes", "", self.sandbox.name)
        self.last_rv = int(row[0])
        self.reserved = list(range(self.last_rv - count + 1, self.last_rv + 1))
        if self.state is not None:
            if self.last_rv - count != self.state.resource_version:
                self.state.interleaved = True  # a write we did not make landed in between
            self.state.resource_version = self.last_rv
        self._announce_on_commit()

    def _announce_on_commit(self) -> None:
        if self.announced:
            return
        self.announced = True
        sandbox_id, from_api = self.sandbox.pk, self.from_api
        transaction.on_commit(lambda: announce.changed(sandbox_id, self.last_rv, reconcile=from_api,
                                                       actor=self.actor, narrations=self.narrations))

    def record(self, event_type: str, obj: Obj, rv: int) -> None:
        group, _ = split_api_version(obj["apiVersion"])
        self.log.append((self.sandbox.pk, rv, event_type, group, obj["kind"], namespace_of(obj), name_of(obj),
                         json.dumps(obj)))

    def flush(self) -> None:
        self.insert_rows()
        if self.log:
            rows.insert_many(rows.WATCH_INSERT, self.log)
            self.flushed += len(self.log)
            self.log = []

    # --- the four writes -------------------------------------------------------------

    def create(self, kind: Kind, obj: Obj, namespace: str, *, keep_status: bool = False) -> Obj:
        rv, uid = self.next_rv(), str(uuid.uuid4())
        new = admission.prepare_create(kind, obj, namespace=namespace, name_seed=str(rv), keep_status=keep_status,
                                       uid=uid)
        quota_usage.check(self.sandbox, self.state, kind, new)
        if kind.namespaced:
            self._require_namespace(namespace, events_allowed=kind.kind == "Event" and not kind.group)
        if kind.allocate is not None:
            kind.allocate(new, self._existing(kind))
        admission.stamp_new(new, uid=uid, now=self.now)
        new["metadata"]["resourceVersion"] = str(rv)
        self.insert(kind, new)
        self.record("ADDED", new, rv)
        if self.state is not None:
            self.state.put(new)
        return new

    def insert(self, kind: Kind, new: Obj) -> None:
        if self.state is None:
            try:
                with transaction.atomic():
                    KubeObject.objects.create(sandbox=self.sandbox, **rows.columns(kind, new))
            except IntegrityError:
                raise errors.already_exists(kind.plural, kind.group, name_of(new)) from None
            return
        ref = Ref.to(new)
        if self.state.get(ref.kind, ref.namespace, ref.name, ref.group) is not None:
            raise errors.already_exists(kind.plural, kind.group, name_of(new))
        self.rows.append(rows.object_row(self.sandbox, kind, new))
        self.pending.add(ref.key)

    def insert_rows(self) -> None:
        """Insert the batch's new rows; a name someone else took meanwhile is a Conflict for the round."""
        if not self.rows:
            return
        batch, self.rows = self.rows, []
        self.pending.clear()
        try:
            rows.insert_many(rows.OBJECT_INSERT, batch)
        except IntegrityError:
            first = batch[0]  # (sandbox, group, version, kind, namespace, name, ...)
            raise errors.conflict(str(first[3]).lower() + "s", str(first[1]), str(first[5])) from None

    def update(self, kind: Kind, old: Obj, new: Obj, *, subresource: str = "") -> Obj:
        if Ref.to(old).key in self.pending:
            self.insert_rows()  # an update of an object this batch created: its row must exist first
        merged = admission.prepare_update(kind, old, new, subresource=subresource,
                                          existing=lambda: self._existing(kind))
        expected = str(new.get("metadata", {}).get("resourceVersion") or old["metadata"]["resourceVersion"])
        if expected != old["metadata"]["resourceVersion"]:
            raise errors.conflict(kind.plural, kind.group, name_of(old))
        if _finalized(merged):
            return self.remove(kind, merged)
        rv = self.next_rv()
        merged["metadata"]["resourceVersion"] = str(rv)
        written = rows.conditional_update(self.sandbox, kind, old, merged, int(expected))
        if written != 1:
            raise errors.conflict(kind.plural, kind.group, name_of(old))
        self.record("MODIFIED", merged, rv)
        if self.state is not None:
            self.state.put(merged)
        return merged

    def remove(self, kind: Kind, obj: Obj) -> Obj:
        if Ref.to(obj).key in self.pending:
            self.insert_rows()
        rv = self.next_rv()
        deleted, _ = rows.rows_of(self.sandbox, kind, obj).filter(uid=obj["metadata"]["uid"]).delete()
        if not deleted:
            raise errors.not_found(kind.plural, kind.group, name_of(obj))
        if kind.kind == "Pod" and not kind.group:
            LogLine.objects.filter(sandbox=self.sandbox, pod_uid=obj["metadata"]["uid"]).delete()
        gone = copy(obj)
        gone["metadata"]["resourceVersion"] = str(rv)
        self.record("DELETED", gone, rv)
        if self.state is not None:
            self.state.drop(Ref.to(obj))
        return gone

    def delete(self, kind: Kind, obj: Obj, propagation: str | None, grace: int | None) -> Obj:
        """Graceful for bound pods, by finalizers for foreground/orphan, at once otherwise."""
        propagation = propagation or "Background"
        if propagation not in PROPAGATIONS:
            raise errors.bad_request(f'unsupported propagation policy "{propagation}"; '
                                     f"supported: {', '.join(PROPAGATIONS)}")
        grace = _grace(kind, obj, grace)
        if obj["metadata"].get("deletionTimestamp") and (grace is None or grace > 0):
            return obj
        new = copy(obj)
        meta = new["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        for wanted, policy in ((FOREGROUND, "Foreground"), (ORPHAN, "Orphan")):
            if propagation == policy and wanted not in finalizers:
                finalizers.append(wanted)
        if not grace and not finalizers and not _namespace_blocks(kind, new):
            return self.remove(kind, obj)
        meta["finalizers"] = finalizers
        meta.setdefault("deletionTimestamp", rfc3339(self.now + timedelta(seconds=grace or 0)))
        meta["deletionGracePeriodSeconds"] = grace or 0
        if kind.kind == "Namespace":
            new.setdefault("status", {})["phase"] = "Terminating"
        return self._write_metadata(kind, obj, new)

    def _write_metadata(self, kind: Kind, old: Obj, new: Obj) -> Obj:
        if Ref.to(old).key in self.pending:
            self.insert_rows()
        rv = self.next_rv()
        new["metadata"]["resourceVersion"] = str(rv)
        written = rows.conditional_update(self.sandbox, kind, old, new, int(old["metadata"]["resourceVersion"]))
        if written != 1:
            raise errors.conflict(kind.plural, kind.group, name_of(old))
        self.record("MODIFIED", new, rv)
        if self.state is not None:
            self.state.put(new)
        return new

    def _existing(self, kind: Kind) -> list[Obj]:
        if self.state is not None:
            return self.state.of_kind(kind.kind, kind.group)
        rows = KubeObject.objects.filter(sandbox=self.sandbox, group=kind.group, kind=kind.kind)
        return list(rows.values_list("body", flat=True))

    def _require_namespace(self, namespace: str, *, events_allowed: bool = False) -> None:
        """The namespace must exist; a terminating one takes no new content but Events, which report
        the pods being stopped inside it (the namespace controller deletes them last)."""
        if self.state is not None:
            ns = self.state.get("Namespace", "", namespace)
            exists, terminating = ns is not None, ns is not None and bool(ns["metadata"].get("deletionTimestamp"))
        else:
            row = KubeObject.objects.filter(sandbox=self.sandbox, group="", kind="Namespace", name=namespace).first()
            exists, terminating = row is not None, row is not None and row.deletion_timestamp is not None
        if not exists:
            raise errors.not_found("namespaces", "", namespace)
        if terminating and not events_allowed:
            raise errors.forbidden(f"unable to create new content in namespace {namespace} because it is being "
                                   "terminated", {"name": namespace, "kind": "namespaces"})


def _grace(kind: Kind, obj: Obj, grace: int | None) -> int | None:
    """Only pods on a node terminate gracefully; everything else goes at once."""
    if kind.kind != "Pod" or kind.group or not obj.get("spec", {}).get("nodeName"):
        return 0
    if obj.get("status", {}).get("phase") in ("Succeeded", "Failed"):
        return 0
    if grace is None:
        return int(obj.get("spec", {}).get("terminationGracePeriodSeconds", 30))
    if grace < 0:
        raise errors.bad_request("gracePeriodSeconds must be greater than or equal to 0")
    return grace


def _namespace_blocks(kind: Kind, ns: Obj) -> bool:
    """A namespace waits for its `kubernetes` finalizer: the namespace controller empties it first."""
    return kind.kind == "Namespace" and not kind.group and bool((ns.get("spec") or {}).get("finalizers"))


def _finalized(obj: Obj) -> bool:
    """Deleted, nothing holding it, and no grace period left to wait for (a pod's kubelet removes it then)."""
    meta = obj["metadata"]
    held = bool(meta.get("finalizers")) or _namespace_pending(obj) or int(meta.get("deletionGracePeriodSeconds") or 0)
    return bool(meta.get("deletionTimestamp")) and not held


def _namespace_pending(obj: Obj) -> bool:
    return obj.get("kind") == "Namespace" and bool((obj.get("spec") or {}).get("finalizers"))


def _sandbox_now(sandbox: Sandbox) -> datetime:
    return clock.now(sandbox)


# --- reads (in cluster/reads.py; compaction of the log is a write, so it stays here) ---

def compact(sandbox: Sandbox, keep: int) -> int:
    """Drop watch-log entries beyond the newest `keep`, so the log stays bounded."""
    cutoff = Sandbox.objects.filter(pk=sandbox.pk).values_list("resource_version", flat=True).first() or 0
    deleted, _ = WatchEvent.objects.filter(sandbox=sandbox, resource_version__lte=cutoff - keep).delete()
    return deleted


# --- writes from the API ----------------------------------------------------------------

def create(sandbox: Sandbox, obj: Obj, *, kind: Kind | None = None, namespace: str = "",
           dry_run: bool = False) -> Obj:
    kind = kind or kind_of(obj)
    with transaction.atomic():
        writes = _Writes(sandbox, _sandbox_now(sandbox), from_api=True)
        created = writes.create(kind, obj, namespace)
        _finish(writes, dry_run)
    return created


def update(sandbox: Sandbox, kind: Kind, namespace: str, name: str, obj: Obj, *, subresource: str = "",
           dry_run: bool = False) -> Obj:
    admission.check_shape(kind, obj)
    body_name = obj.get("metadata", {}).get("name")
    if body_name and body_name != name:
        raise errors.bad_request(f"the name of the object ({body_name}) does not match the name on the URL ({name})")
    with transaction.atomic():
        old = get(sandbox, kind, namespace, name)
        writes = _Writes(sandbox, _sandbox_now(sandbox), from_api=True)
        updated = writes.update(kind, old, obj, subresource=subresource)
        _finish(writes, dry_run)
    return updated


def patch(sandbox: Sandbox, kind: Kind, namespace: str, name: str, mutate: Callable[[Obj], Obj], *,
          subresource: str = "", dry_run: bool = False, attempts: int = 5) -> Obj:
    """Read, change with `mutate`, write; retried on Conflict as the API server's GuaranteedUpdate does."""
    for attempt in range(attempts):
        current = get(sandbox, kind, namespace, name)
        changed = mutate(copy(current))
        asked = changed.get("metadata", {}).get("resourceVersion")
        pinned = asked not in (None, current["metadata"]["resourceVersion"])
        try:
            return update(sandbox, kind, namespace, name, changed, subresource=subresource, dry_run=dry_run)
        except errors.StatusError as error:
            if error.reason != "Conflict" or pinned or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def delete(sandbox: Sandbox, kind: Kind, namespace: str, name: str, *, propagation: str | None = None,
           grace_seconds: int | None = None, uid: str | None = None, resource_version: str | None = None,
           dry_run: bool = False) -> Obj:
    with transaction.atomic():
        current = get(sandbox, kind, namespace, name)
        _check_preconditions(kind, current, uid, resource_version)
        writes = _Writes(sandbox, _sandbox_now(sandbox), from_api=True)
        result = writes.delete(kind, current, propagation, grace_seconds)
        _finish(writes, dry_run)
    return result


def _check_preconditions(kind: Kind, obj: Obj, uid: str | None, resource_version: str | None) -> None:
    meta = obj["metadata"]
    if uid and uid != meta["uid"]:
        raise errors.StatusError(409, "Conflict", f"Precondition failed: UID in precondition: {uid}, "
                                 f"UID in object meta: {meta['uid']}")
    if resource_version and resource_version != meta["resourceVersion"]:
        raise errors.conflict(kind.plural, kind.group, name_of(obj))


def _finish(writes: _Writes, dry_run: bool) -> None:
    if dry_run:
        transaction.set_rollback(True)
        return
    writes.flush()


# --- writes from controllers --------------------------------------------------------------

@dataclass
class Applied:
    wakes: list[datetime] = field(default_factory=list)
    written: int = 0


def apply(sandbox: Sandbox, actions: Iterable[Action], state: ClusterState, actor: str = "") -> Applied:
    """Carry out a controller's actions in one transaction, keeping `state` in step.

    Returns the wake-up times the actions asked for and how many writes were made. A
    Conflict (a learner wrote the same object meanwhile) aborts the batch; the caller
    reloads the state and runs again, which is safe because controllers are level-triggered.
    """
    applied = Applied()
    actions = list(actions)
    with transaction.atomic():
        writes = _Writes(sandbox, state.now, from_api=False, state=state, actor=actor)
        writes_needed = sum(1 for a in actions if not isinstance(a, WakeAt | AppendLog))
        if writes_needed:
            writes.reserve(writes_needed)
        for action in actions:
            if isinstance(action, WakeAt):
                applied.wakes.append(action.at)
            else:
                _apply_one(writes, state, action)
        writes.flush()
        applied.written = writes.count
    return applied


def _apply_one(writes: _Writes, state: ClusterState, action: Action) -> None:
    try:
        _dispatch(writes, state, action)
        narration = getattr(action, "narration", "")
        if narration:
            writes.narrations.append(narration)
    except errors.StatusError as error:
        if error.code in (409, 410) or error.reason == "NotFound" and isinstance(action, Update):
            raise  # the state is stale: the caller reloads and runs the controllers again
        # The action is wrong in itself (an invalid template, a missing namespace): skip it
        # rather than fail the whole round, and say why.
        log.warning("sandbox %s: skipped %s: %s", writes.sandbox.pk, type(action).__name__, error)


def _dispatch(writes: _Writes, state: ClusterState, action: Action) -> None:
    if isinstance(action, Create):
        writes.create(kind_of(action.obj), action.obj, namespace_of(action.obj), keep_status=True)
    elif isinstance(action, Update):
        kind = kind_of(action.obj)
        writes.update(kind, _current(state, action.obj), action.obj, subresource="*")
    elif isinstance(action, Delete | Remove):
        _apply_removal(writes, state, action)
    elif isinstance(action, Emit):
        _emit(writes, state, action)
    elif isinstance(action, AppendLog):
        _append_log(writes, action)


def _append_log(writes: _Writes, action: AppendLog) -> None:
    """Container output is not an API object: no resourceVersion, but followers are told after commit."""
    meta = action.pod["metadata"]
    LogLine.objects.bulk_create(
        LogLine(sandbox=writes.sandbox, namespace=meta.get("namespace", ""), pod=meta["name"], pod_uid=meta["uid"],
                container=action.container, attempt=action.attempt, at=at, line=text)
        for at, text in action.lines)
    writes.logged += len(action.lines)
    writes.announce_logs()


def _current(state: ClusterState, obj: Obj) -> Obj:
    ref = Ref.to(obj)
    current = state.get(ref.kind, ref.namespace, ref.name, ref.group)
    if current is None:
        raise errors.not_found(ref.kind.lower() + "s", ref.group, ref.name)
    return current


def _apply_removal(writes: _Writes, state: ClusterState, action: Delete | Remove) -> None:
    ref = action.ref
    current = state.get(ref.kind, ref.namespace, ref.name, ref.group)
    if current is None or (ref.uid and current["metadata"]["uid"] != ref.uid):
        return  # already gone: deleting is idempotent
    kind = kind_of(current)
    if isinstance(action, Remove):
        writes.remove(kind, current)
    else:
        writes.delete(kind, current, action.propagation, action.grace_seconds)


def _emit(writes: _Writes, state: ClusterState, emit: Emit) -> None:
    """Record an Event, folding a repeat into `count` and `lastTimestamp` as Kubernetes does."""
    event = new_event(emit, state.now)
    similar = state.similar_event(event_key(event))
    if similar is not None:
        bumped = copy(similar)
        bumped["count"] = int(similar.get("count", 1)) + 1
        bumped["lastTimestamp"] = rfc3339(state.now)
        writes.update(kinds.by_kind("", "Event") or kind_of(bumped), similar, bumped)
        return
    nanos = int(state.now.timestamp() * 1e9)
    while state.get("Event", event["metadata"]["namespace"], f"{name_of(emit.involved)}.{nanos:x}"):
        nanos += 1
    event["metadata"]["name"] = f"{name_of(emit.involved)}.{nanos:x}"
    writes.create(kind_of(event), event, event["metadata"]["namespace"], keep_status=True)


def new_event(emit: Emit, now: datetime) -> Obj:
    involved = emit.involved
    meta = involved.get("metadata", {})
    reference = {"kind": involved.get("kind"), "namespace": meta.get("namespace", ""), "name": meta.get("name"),
                 "uid": meta.get("uid"), "apiVersion": involved.get("apiVersion"),
                 "resourceVersion": meta.get("resourceVersion", "")}
    if not reference["namespace"]:
        del reference["namespace"]
    if emit.field_path:
        reference["fieldPath"] = emit.field_path
    source = {"component": emit.component, **({"host": emit.host} if emit.host else {})}
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"namespace": meta.get("namespace") or "default"},
            "involvedObject": reference, "reason": emit.reason, "message": emit.message, "type": emit.type,
            "source": source, "firstTimestamp": rfc3339(now), "lastTimestamp": rfc3339(now), "count": 1,
            "reportingComponent": emit.component, "reportingInstance": emit.host, "eventTime": None}
