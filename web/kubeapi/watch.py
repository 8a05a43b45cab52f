"""HTTP watches: `GET ...?watch=true`, the stream `kubectl get -w`, informers and the Python client read.

A watch is one long HTTP 200 response, one JSON event per line, each flushed as it happens.
Where it starts depends on `resourceVersion`:

- unset or "0": first a synthetic ADDED for every object that matches now (a list), then
  every change after that list;
- N: every change after N, in order; if the log has been compacted past N, a single ERROR
  event (410 Expired, "too old resource version") and the end of the stream. A version the
  cluster has not reached yet is simply waited for, as the real API server does.

`sendInitialEvents=true` (client-go's WatchList) asks for the list first whatever the
version, ended by a bookmark annotated `k8s.io/initial-events-end`.

The source of truth is the sandbox's watch log (`cluster.store.events_after`). The stream
subscribes to the sandbox's Channels group before its first read, so that the after-commit
hint (`sandbox.changed`) wakes it at once; it also rereads the log every second, because a
hint can be lost. It ends after `timeoutSeconds` (without it, after 30 to 60 minutes, like
the API server's `--min-request-timeout`), or when the client goes away: Django then cancels
the generator, and the `finally` leaves the group.

The query is parsed in `watch_options`; what each watcher is told about each logged change
(selector transitions, one-row Tables, bookmarks, errors) is decided in `watch_events`.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from cluster import announce, clock, store
from cluster.kinds import Kind
from cluster.models import Sandbox, WatchEvent
from web.kubeapi.watch_events import Change, EventType, Prior, Renderer, View, error_line, too_large, too_old
from web.kubeapi.watch_options import WatchOptions, bookmark_seconds, parse_options, poll_seconds

log = logging.getLogger(__name__)

# Log entries read at a time; a longer backlog is read in several batches, without waiting.
BATCH = 500


async def watch_response(request: HttpRequest, sandbox: Sandbox, kind: Kind,
                         namespace: str | None) -> HttpResponseBase:
    """The streaming 200 response of a watch; its body is produced as changes happen."""
    options = parse_options(request, kind, namespace)
    response = StreamingHttpResponse(Stream(sandbox.pk, options).lines(), content_type="application/json")
    response["Cache-Control"] = "no-cache, private"
    return response


# --- reading the log (in a worker thread: the ORM is synchronous) ------------------------------

@dataclass
class Batch:
    """Lines to send, and where the stream stands in the log afterwards."""

    lines: list[bytes] = field(default_factory=list)
    position: int = 0
    closed: bool = False
    full: bool = False


def start(sandbox_id: int, options: WatchOptions, view: View, renderer: Renderer) -> Batch:
    """Where the stream begins: after a list, at the newest version, or at the version asked for."""
    sandbox = Sandbox.objects.filter(pk=sandbox_id).first()
    if sandbox is None:
        return Batch(closed=True)
    if options.initial_events:
        return _initial_events(sandbox, options, view, renderer)
    if options.requested == 0:
        return Batch(position=sandbox.resource_version)
    oldest = store.oldest_watchable(sandbox)
    if options.requested < oldest:
        return Batch([error_line(too_old(options.requested, oldest))], closed=True)
    return Batch(position=options.requested)


def _initial_events(sandbox: Sandbox, options: WatchOptions, view: View, renderer: Renderer) -> Batch:
    criteria = options.criteria
    items, listed_at = store.list_objects(sandbox, criteria.kind, criteria.namespace, criteria.labels,
                                          criteria.fields)
    if options.send_initial_events and options.requested > listed_at:
        return Batch([error_line(too_large(options.requested, listed_at))], closed=True)
    view.seed(items)
    now = clock.now(sandbox)
    lines = [renderer.event(EventType.ADDED, obj, now) for obj in items]
    if options.send_initial_events and options.bookmarks:
        lines.append(renderer.bookmark(listed_at, initial_events_end=True))
    return Batch(lines, listed_at)


def read_changes(sandbox_id: int, position: int, view: View, renderer: Renderer) -> Batch:
    """The lines for the log entries after `position`, as this watcher is to see them."""
    sandbox = Sandbox.objects.filter(pk=sandbox_id).first()
    if sandbox is None:
        return Batch(closed=True)
    entries = store.events_after(sandbox, position, BATCH)
    if entries and entries[0].resource_version > position + 1:
        # A gap: maybe only versions that wrote nothing, maybe a compaction that overtook us.
        oldest = store.oldest_watchable(sandbox)
        if position < oldest:
            return Batch([error_line(too_old(position, oldest))], closed=True)
    now = clock.now(sandbox)
    batch = Batch(position=entries[-1].resource_version if entries else position, full=len(entries) == BATCH)
    for entry in entries:
        told = view.tell(_change(entry))
        if told is not None:
            batch.lines.append(renderer.event(*told, now))
    return batch


def _change(entry: WatchEvent) -> Change:
    return Change(entry.type, entry.group, entry.kind, entry.namespace, entry.name, entry.resource_version,
                  entry.object)


def prior_state(sandbox_id: int, kind: Kind, namespace: str, name: str, resource_version: int) -> Prior | None:
    """What the log says an object looked like just before `resource_version` (None: it has forgotten)."""
    row = (WatchEvent.objects.filter(sandbox_id=sandbox_id, group=kind.group, kind=kind.kind, namespace=namespace,
                                     name=name, resource_version__lt=resource_version)
           .order_by("-resource_version").values_list("type", "object").first())
    if row is None:
        return None
    event_type, obj = row
    return Prior(None if event_type == EventType.DELETED else obj)


def _close_connection() -> None:
    connection.close()  # looked up here, in the worker thread: each thread has a connection of its own


# --- the stream ------------------------------------------------------------------------------------

class Hints:
    """The sandbox's Channels group, heard through a channel of our own: a wake-up, never the data.

    One task listens for the whole stream and keeps the newest announced resourceVersion.
    Its `receive` is never cancelled before the end: the Redis layer unsubscribes a channel
    whose receive is cancelled, and hints sent meanwhile would be lost.
    """

    def __init__(self, layer: Any, channel: str) -> None:
        self.layer, self.channel = layer, channel
        self.newest = 0
        self._arrived = asyncio.Event()
        self._listener = asyncio.create_task(self._listen()) if layer is not None else None

    async def _listen(self) -> None:
        try:
            while True:
                message = await self.layer.receive(self.channel)
                self.newest = max(self.newest, int(message.get("resource_version") or 0))
                self._arrived.set()
        except Exception:  # the layer went away: the stream goes on by polling the log
            log.warning("watch: no more change hints on %s", self.channel, exc_info=True)

    async def wait(self, seconds: float) -> None:
        """Until a hint arrives (perhaps one that came earlier) or `seconds` pass."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), seconds)
        self._arrived.clear()

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with suppress(asyncio.CancelledError):
                await self._listener


@asynccontextmanager
async def subscription(sandbox_id: int) -> AsyncIterator[Hints]:
    """Hints from the sandbox's group until the block ends, then leave it: no task or subscription outlives it."""
    layer = get_channel_layer()
    group = announce.group_name(sandbox_id)
    channel = await layer.new_channel() if layer is not None else ""
    if layer is not None:
        await layer.group_add(group, channel)
    hints = Hints(layer, channel)
    try:
        yield hints
    finally:
        await hints.close()
        if layer is not None:
            await layer.group_discard(group, channel)


@dataclass
class Schedule:
    """When a stream ends and when its next bookmark is due, in event-loop time."""

    deadline: float
    next_bookmark: float | None = None  # None: the client did not allow bookmarks

    @classmethod
    def starting(cls, now: float, options: WatchOptions) -> "Schedule":
        return cls(now + options.timeout, now + bookmark_seconds() if options.bookmarks else None)

    def bookmark_due(self, now: float) -> bool:
        if self.next_bookmark is None or now < self.next_bookmark:
            return False
        self.next_bookmark = now + bookmark_seconds()
        return True

    def wake_in(self, now: float) -> float:
        """How long to wait for a hint before looking anyway."""
        due = self.deadline if self.next_bookmark is None else min(self.deadline, self.next_bookmark)
        return min(poll_seconds(), due - now)


class Stream:
    """One watch's life: subscribe, start, then read the log whenever it may have grown."""

    def __init__(self, sandbox_id: int, options: WatchOptions) -> None:
        self.sandbox_id = sandbox_id
        self.options = options
        kind = options.criteria.kind
        self.view = View(options.criteria, lookup=partial(prior_state, sandbox_id, kind))
        self.renderer = Renderer(kind, options.as_table, options.include)
        self.position = 0

    async def lines(self) -> AsyncIterator[bytes]:
        try:
            async with subscription(self.sandbox_id) as hints:
                async for chunk in self._run(hints):
                    yield chunk
        finally:
            # A watch held its worker thread's connection for up to an hour: give it back now.
            await database_sync_to_async(_close_connection)()

    async def _run(self, hints: Hints) -> AsyncIterator[bytes]:
        schedule = Schedule.starting(asyncio.get_running_loop().time(), self.options)
        batch = await database_sync_to_async(start)(self.sandbox_id, self.options, self.view, self.renderer)
        while True:
            for chunk in batch.lines:
                yield chunk
            if batch.closed:
                return
            self.position = batch.position
            batch = await self._next(hints, schedule, backlog=batch.full)

    async def _next(self, hints: Hints, schedule: Schedule, *, backlog: bool) -> Batch:
        """The next lines: at once while a backlog lasts, else after a pause that may itself have something to say."""
        if not backlog:
            pause = await self._pause(hints, schedule)
            if pause.lines or pause.closed:
                return pause
        return await database_sync_to_async(read_changes)(self.sandbox_id, self.position, self.view, self.renderer)

    async def _pause(self, hints: Hints, schedule: Schedule) -> Batch:
        now = asyncio.get_running_loop().time()
        if now >= schedule.deadline:
            # A last bookmark, so that an informer resumes from here rather than from its last event.
            last = [self.renderer.bookmark(self.position)] if self.options.bookmarks else []
            return Batch(last, self.position, closed=True)
        if schedule.bookmark_due(now):
            return Batch([self.renderer.bookmark(self.position)], self.position)
        await self._wait_for_news(hints, schedule.wake_in(now))
        return Batch(position=self.position)

    async def _wait_for_news(self, hints: Hints, seconds: float) -> None:
        """Until a hint of something newer than what was sent, or `seconds` pass."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        while hints.newest <= self.position and (left := until - loop.time()) > 0:
            await hints.wait(left)
