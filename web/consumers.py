"""Channels consumers: the live feed of one sandbox to a browser.

The protocol, server to browser:
- `{"type": "snapshot", "resourceVersion": N, "objects": [...], "clock": {...}}` on connect
  and whenever the browser asks (or the watch log cannot bring it up to date);
- `{"type": "events", "from": N, "to": M, "events": [{"type": "ADDED", "object": {...}}, ...],
  "clock": {...}}` with every change after N up to M, at most one per BATCH_WINDOW;
- `{"type": "clock", "time": ..., "speed": ...}` when the sandbox's speed or time jumps;
Batches (and snapshots) also carry `activity`: `[{"actor": "replicaset", "narrations":
[{"text": ...}]}, ...]`, who wrote since the last message (a controller's name, or "apiserver")
and what it decided, in the page's language (`?lang=ko` on the socket URL); best-effort, like
the hints they ride on. Activity whose hint came after the batch that carried its change
follows within ACTIVITY_DELAY as `{"type": "activity", "activity": [...]}`. And `notices`:
the Kubernetes Events among the changes (the Event objects stay out of the view), for the
feed's events column.
Browser to server: `{"type": "resync"}` when a batch's `from` is not its resourceVersion.

The store's announcement (`sandbox.changed`) is only a hint: the consumer reads the
changes from the watch log itself, so a lost hint costs latency, never data, and a
periodic backstop reads the log even when no hint came.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from cluster import announce
from web.pages import feed
from web.pages.access import visible_sandbox
from web.workspace import narration

log = logging.getLogger(__name__)

# Hints faster than this are coalesced into one batch (the channel layer and the browser
# both have a finite rate; a learner cannot read faster anyway).
BATCH_WINDOW = 0.1
# How often the log is read without a hint, covering hints the channel layer dropped.
BACKSTOP_SECONDS = 3.0
# Activity kept for the next batch at most; a feed shows the latest decisions, not all of them.
MAX_ACTIVITY = 200
# How long activity waits for a batch to ride on before it is sent alone.
ACTIVITY_DELAY = 1.0
NOT_FOUND = 4404  # a WebSocket close code in the application range, echoing HTTP's 404


def read(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a read of the feed in a thread pool. Not thread-sensitive: the reads of a hundred
    sockets must not queue behind one another on Django's single "sync" thread, which is what
    makes a classroom's pushes slow (see bench/push.py)."""
    return database_sync_to_async(function, thread_sensitive=False)


class SandboxConsumer(AsyncJsonWebsocketConsumer):
    """One browser tab watching one sandbox."""

    sandbox_id: int | None = None

    async def connect(self) -> None:
        name = self.scope["url_route"]["kwargs"]["name"]
        sandbox = await database_sync_to_async(visible_sandbox)(name, self.scope.get("user"))
        if sandbox is None:
            await self.close(code=NOT_FOUND)
            return
        self.sandbox_id, self.resource_version = sandbox.pk, 0
        self.language = language_of(self.scope)
        self.activity: list[dict[str, Any]] = []
        self.lock, self.hinted, self.last_sent = asyncio.Lock(), False, 0.0
        self.clock_sent: tuple[dict[str, Any] | None, datetime] = (None, timezone.now())
        self.tasks: set[asyncio.Task[None]] = set()
        self.pushing: asyncio.Task[None] | None = None
        self.late: asyncio.Task[None] | None = None
        await self.channel_layer.group_add(announce.group_name(sandbox.pk), self.channel_name)
        await self.accept()
        await self.send_snapshot()
        self.start(self.backstop)

    async def disconnect(self, code: int) -> None:
        if self.sandbox_id is None:
            return
        for task in self.tasks:
            task.cancel()
        await self.channel_layer.group_discard(announce.group_name(self.sandbox_id), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "resync":
            await self.send_snapshot()

    async def sandbox_changed(self, message: dict[str, Any]) -> None:
        """The store's hint. Handlers run one at a time, so the batch waits in a task, not here."""
        self.note_activity(message)
        if int(message.get("resource_version", 0)) <= self.resource_version:
            if self.activity and (self.late is None or self.late.done()):
                self.late = self.start(self.send_late_activity)
            return
        self.hinted = True
        if self.pushing is None or self.pushing.done():
            self.pushing = self.start(self.push)

    def note_activity(self, message: dict[str, Any]) -> None:
        """Keep who acted and what they said, for the next batch to carry."""
        actor, texts = str(message.get("actor") or ""), list(message.get("narrations") or [])
        if actor or texts:
            self.activity.append({"actor": actor, "narrations": narration.rendered(texts, self.language)})
            del self.activity[:-MAX_ACTIVITY]

    # --- the work, in background tasks -----------------------------------------------------

    async def send_late_activity(self) -> None:
        """Activity no batch will carry (its change was already sent): send it on its own."""
        await asyncio.sleep(ACTIVITY_DELAY)
        async with self.lock:
            if self.activity:
                message, self.activity = {"type": "activity", "activity": self.activity}, []
                await self.send_json(message)

    async def push(self) -> None:
        """Send the changes, at most once per BATCH_WINDOW, until no hint is left."""
        while self.hinted:
            self.hinted = False
            await asyncio.sleep(max(0.0, self.last_sent + BATCH_WINDOW - time.monotonic()))
            await self.send_changes()

    async def backstop(self) -> None:
        while True:
            await asyncio.sleep(BACKSTOP_SECONDS)
            await self.send_changes()
            await self.send_clock()

    async def send_snapshot(self) -> None:
        async with self.lock:
            await self.deliver(await read(feed.snapshot_message)(self.sandbox_id))

    async def send_changes(self) -> None:
        async with self.lock:
            await self.deliver(await read(feed.changes_message)(self.sandbox_id, self.resource_version))

    async def send_clock(self) -> None:
        sent, sent_at = self.clock_sent
        async with self.lock:
            await self.deliver(await read(feed.clock_update)(self.sandbox_id, sent, sent_at))

    async def deliver(self, message: dict[str, Any] | None) -> None:
        """Send `message` and remember where it leaves the browser. None: the sandbox is gone."""
        if message is None:
            await self.close(code=NOT_FOUND)
            return
        if not message:
            return
        if message["type"] != "clock" and self.activity:
            message, self.activity = {**message, "activity": self.activity}, []
        await self.send_json(message)
        self.last_sent = time.monotonic()
        self.resource_version = int(message.get("resourceVersion", message.get("to", self.resource_version)))
        clock = message if message["type"] == "clock" else message.get("clock")
        if clock is not None:
            self.clock_sent = (clock, timezone.now())

    def start(self, work: Callable[[], Any]) -> asyncio.Task[None]:
        task = asyncio.create_task(self._guarded(work))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    @staticmethod
    async def _guarded(work: Callable[[], Any]) -> None:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:  # a background task has no caller to raise to; the backstop retries
            log.exception("live feed task failed")


def language_of(scope: dict[str, Any]) -> str:
    """The page's language, from `?lang=` on the socket URL; the site's default otherwise."""
    query = dict(part.split("=", 1) for part in scope.get("query_string", b"").decode().split("&") if "=" in part)
    wanted = query.get("lang", "")
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
