"""Live sockets of a workshop: the instructor's dashboard and each participant's messages.

The dashboard joins the announcement group of every sandbox in the room (`sandbox.<id>`,
the same hint the diagrams get) and the workshop's group. A hint marks that participant's
row dirty; at most every REFRESH seconds the dirty rows are read again and sent, and every
FULL seconds the whole view (times on step, stuck flags, the class summary) is sent anyway.
A participant's page joins the workshop group only, for broadcasts, "move to lesson" and "closed".
Both sockets close with 4404 when the user may not see the workshop (as the sandbox socket does).
"""

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from cluster import announce
from web.workshops import dashboard
from web.workshops.models import Workshop
from web.workshops.roles import participant_of
from web.workshops.steering import group_name

NOT_FOUND = 4404
REFRESH = 1.0
FULL = 3.0


def owned(pk: int, user: Any) -> Workshop | None:
    if user is None or not user.is_authenticated:
        return None
    return Workshop.objects.filter(pk=pk, instructor_id=user.pk).first()


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    workshop: Workshop | None = None

    async def connect(self) -> None:
        pk = int(self.scope["url_route"]["kwargs"]["pk"])
        self.workshop = await database_sync_to_async(owned)(pk, self.scope.get("user"))
        if self.workshop is None:
            await self.close(code=NOT_FOUND)
            return
        self.dirty: set[int] = set()
        self.groups_joined: set[str] = set()
        self.sandboxes: dict[int, int] = {}
        await self.accept()
        await self.join_groups()
        await self.send_full()
        self.loop = asyncio.create_task(self.refresh())

    async def disconnect(self, code: int) -> None:
        if self.workshop is None:
            return
        self.loop.cancel()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def join_groups(self) -> None:
        """Follow every sandbox of the room, including lesson sandboxes opened since the last look."""
        assert self.workshop is not None
        self.sandboxes = await database_sync_to_async(dashboard.watched_sandboxes)(self.workshop)
        wanted = {group_name(self.workshop.pk), *(announce.group_name(s) for s in self.sandboxes)}
        for group in wanted - self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined |= wanted

    async def sandbox_changed(self, message: dict[str, Any]) -> None:
        participant = self.sandboxes.get(int(message.get("sandbox_id", 0) or 0))
        if participant is not None:
            self.dirty.add(participant)
        else:
            self.dirty.add(-1)  # a sandbox we cannot place: refresh every row

    async def workshop_message(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "room", "message": message["message"]})

    async def refresh(self) -> None:
        since_full = 0.0
        while True:
            await asyncio.sleep(REFRESH)
            since_full += REFRESH
            with contextlib.suppress(Exception):  # a failed read is retried at the next beat
                if since_full >= FULL or -1 in self.dirty:
                    since_full = 0.0
                    await self.join_groups()
                    await self.send_full()
                elif self.dirty:
                    await self.send_rows()

    async def send_full(self) -> None:
        self.dirty.clear()
        view = await database_sync_to_async(dashboard.view)(self.workshop)
        await self.send_json({"type": "dashboard", **view})

    async def send_rows(self) -> None:
        changed, self.dirty = set(self.dirty), set()
        view = await database_sync_to_async(dashboard.view)(self.workshop, changed)
        await self.send_json({"type": "rows", "rows": view["rows"], "summary": view["summary"]})


class ParticipantConsumer(AsyncJsonWebsocketConsumer):
    workshop_id: int | None = None

    async def connect(self) -> None:
        mine = await database_sync_to_async(participant_of)(self.scope.get("user"))
        if mine is None:
            await self.close(code=NOT_FOUND)
            return
        self.workshop_id = mine.workshop_id
        await self.channel_layer.group_add(group_name(mine.workshop_id), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.workshop_id is not None:
            await self.channel_layer.group_discard(group_name(self.workshop_id), self.channel_name)

    async def workshop_message(self, message: dict[str, Any]) -> None:
        await self.send_json(message["message"])

    async def sandbox_changed(self, message: dict[str, Any]) -> None:
        """Not subscribed to sandboxes; present so a stray hint is not an error."""
