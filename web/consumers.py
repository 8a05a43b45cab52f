"""Channels consumers: the live feed of one sandbox to a browser.

The protocol, server to browser:
- `{"type": "snapshot", "resourceVersion": N, "objects": [...], "clock": {...}}` on connect
  and whenever the browser asks (or the watch log cannot bring it up to date);
- `{"type": "events", "from": N, "to": M, "events": [{"type": "ADDED", "object": {...}}, ...],
  "clock": {...}}` with every change after N up to M, at most one per BATCH_WINDOW;
- `{"type": "clock", "time": ..., "speed": ...}` when the sandbox's speed or time jumps.
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
from django.utils import timezone

from cluster import announce
from web.pages import feed
from web.pages.access import visible_sandbox

log = logging.getLogger(__name__)

# Hints faster than this are coalesced into one batch (the channel layer and the browser
# both have a finite rate; a learner cannot read faster anyway).
BATCH_WINDOW = 0.1
# How often the log is read without a hint, covering hints the channel layer dropped.
BACKSTOP_SECONDS = 3.0
NOT_FOUND = 4404  # a WebSocket close code in the application range, echoing HTTP's 404


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
        self.lock, self.hinted, self.last_sent = asyncio.Lock(), False, 0.0
        self.clock_sent: tuple[dict[str, Any] | None, datetime] = (None, timezone.now())
        self.tasks: set[asyncio.Task[None]] = set()
        self.pushing: asyncio.Task[None] | None = None
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
        if int(message.get("resource_version", 0)) <= self.resource_version:
            return
        self.hinted = True
        if self.pushing is None or self.pushing.done():
            self.pushing = self.start(self.push)

    # --- the work, in background tasks -----------------------------------------------------

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
            await self.deliver(await database_sync_to_async(feed.snapshot_message)(self.sandbox_id))

    async def send_changes(self) -> None:
        async with self.lock:
            await self.deliver(await database_sync_to_async(feed.changes_message)(self.sandbox_id,
                                                                                  self.resource_version))

    async def send_clock(self) -> None:
        sent, sent_at = self.clock_sent
        async with self.lock:
            await self.deliver(await database_sync_to_async(feed.clock_update)(self.sandbox_id, sent, sent_at))

    async def deliver(self, message: dict[str, Any] | None) -> None:
        """Send `message` and remember where it leaves the browser. None: the sandbox is gone."""
        if message is None:
            await self.close(code=NOT_FOUND)
            return
        if not message:
            return
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
