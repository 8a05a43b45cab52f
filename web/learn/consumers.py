"""The live step status of a lesson page: a step turns green the moment the sandbox reaches it.

The consumer listens to the learner's lesson sandbox (the store's `sandbox.changed` hints, in
the group `cluster.announce.group_name(pk)`) and, at most every THROTTLE seconds, judges the
current step (`web.learn.steps.evaluate`). Server to browser:
- `{"type": "step", "step": id, "passed": bool, "explanation": {"en": ..., "ko": ...}}`, when a
  verdict differs from the last one sent (a pass is followed by the next step's verdict);
- `{"type": "lesson", "done": true}` once the last step has passed.
Browser to server: `{"type": "check"}` (judge now) and `{"type": "ran", "command": "get pods"}`
(a console command the learner ran, for `console_ran` checks).
"""

import asyncio
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from cluster import announce
from web.learn import console_history, steps
from web.learn.models import LessonSandbox
from web.learn.progress import Learner

log = logging.getLogger(__name__)

THROTTLE = 0.3
# Time moves without writes only at the clock's pace; a look now and then covers lost hints.
BACKSTOP_SECONDS = 3.0
NOT_FOUND = 4404


def find_link(learner: Learner | None, lesson: str) -> LessonSandbox | None:
    if learner is None:
        return None
    return LessonSandbox.objects.filter(learner.q(), lesson=lesson).first()


def judge(link_id: int) -> tuple[list[dict[str, Any]], bool]:
    link = LessonSandbox.objects.select_related("sandbox").filter(pk=link_id).first()
    if link is None:
        return [], False
    return [status.message() for status in steps.evaluate(link)], link.finished_at is not None


def note(link_id: int, command: str) -> None:
    link = LessonSandbox.objects.select_related("sandbox").filter(pk=link_id).first()
    if link is not None:
        console_history.note(link.sandbox, command)


class LessonConsumer(AsyncJsonWebsocketConsumer):
    link_id: int | None = None

    async def connect(self) -> None:
        lesson = self.scope["url_route"]["kwargs"]["lesson"]
        link = await database_sync_to_async(find_link)(Learner.of_scope(self.scope), lesson)
        if link is None:
            await self.close(code=NOT_FOUND)
            return
        self.link_id, self.group = link.pk, announce.group_name(link.sandbox_id)
        self.hinted, self.last_judged, self.done = True, 0.0, False
        self.sent: dict[str, Any] = {}
        self.judging: asyncio.Task[None] | None = None
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.judging = asyncio.create_task(self.judge_while_hinted())
        self.backstop = asyncio.create_task(self.look_now_and_then())

    async def disconnect(self, code: int) -> None:
        if self.link_id is None:
            return
        for task in (self.judging, self.backstop):
            if task is not None:
                task.cancel()
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def sandbox_changed(self, message: dict[str, Any]) -> None:
        self.hint()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "ran" and isinstance(content.get("command"), str):
            await database_sync_to_async(note)(self.link_id, content["command"])
        if content.get("type") in ("ran", "check"):
            self.sent = {}  # a learner who asks gets an answer, even an unchanged one
            self.hint()

    def hint(self) -> None:
        self.hinted = True
        if self.judging is None or self.judging.done():
            self.judging = asyncio.create_task(self.judge_while_hinted())

    async def judge_while_hinted(self) -> None:
        """Judge at most once per THROTTLE, until no hint is left."""
        try:
            while self.hinted and not self.done:
                self.hinted = False
                await asyncio.sleep(max(0.0, self.last_judged + THROTTLE - time.monotonic()))
                self.last_judged = time.monotonic()
                await self.judge()
        except asyncio.CancelledError:
            raise
        except Exception:  # no caller to raise to: the next hint or the backstop tries again
            log.exception("judging a lesson step failed")

    async def look_now_and_then(self) -> None:
        while not self.done:
            await asyncio.sleep(BACKSTOP_SECONDS)
            self.hint()

    async def judge(self) -> None:
        messages, finished = await database_sync_to_async(judge)(self.link_id)
        for message in messages:
            if self.sent.get(message["step"]) != message:
                self.sent[message["step"]] = message
                await self.send_json(message)
        if finished:
            self.done = True
            await self.send_json({"type": "lesson", "done": True})
