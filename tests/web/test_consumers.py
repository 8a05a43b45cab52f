"""The live feed over a WebSocket: a snapshot, then batches of exactly the changes made."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections

from cluster import announce, kinds, sandboxes, snapshot, store
from cluster.models import Profile, Sandbox
from cluster.objects import Obj
from web import consumers
from web.pages import feed
from web.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)
POD = kinds.by_kind("", "Pod")
db = database_sync_to_async


@pytest.fixture(autouse=True)
def in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest_asyncio.fixture(autouse=True)
async def close_thread_connections() -> AsyncIterator[None]:
    """The consumer's database calls run in a worker thread with its own connection: close it after."""
    yield
    await db(connections.close_all)()


@pytest.fixture
def live(transactional_db: None) -> Sandbox:
    return sandboxes.create("live", nodes=2, profile=Profile.FAST, speed=0)


def config_map(name: str) -> Obj:
    """A kind no controller reacts to, so the log holds exactly what a test wrote."""
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"greeting": "hello"}}


def manifest(name: str, **labels: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}


async def connect(name: str = "live") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/sandboxes/{name}/")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive(communicator: WebsocketCommunicator, kind: str,
                  skipping: tuple[str, ...] = ("clock", "activity")) -> dict[str, Any]:
    """The next message of type `kind`, skipping clock updates (or the types in `skipping`)."""
    while True:
        message: dict[str, Any] = await communicator.receive_json_from(timeout=5)
        if message["type"] == kind:
            return message
        assert message["type"] in skipping, message


async def batches_until(communicator: WebsocketCommunicator, resource_version: int) -> list[dict[str, Any]]:
    batches = [await receive(communicator, "events")]
    while batches[-1]["to"] < resource_version:
        batches.append(await receive(communicator, "events"))
    return batches


def current_rv(sandbox: Sandbox) -> int:
    sandbox.refresh_from_db()
    return sandbox.resource_version


def fresh_snapshot(sandbox: Sandbox) -> snapshot.Snapshot:
    message = feed.snapshot_message(sandbox.pk)
    assert message is not None
    return snapshot.Snapshot.from_message(message)


@pytest.mark.asyncio
async def test_it_sends_a_snapshot_on_connect(live: Sandbox) -> None:
    communicator = await connect()
    message = await receive(communicator, "snapshot")
    kinds_shown = sorted(o["kind"] for o in message["objects"])
    assert kinds_shown.count("Node") == 2 and "Namespace" in kinds_shown
    assert message["resourceVersion"] == await db(current_rv)(live)
    assert message["clock"]["speed"] == 0
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_it_refuses_an_unknown_sandbox(live: Sandbox) -> None:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/sandboxes/nowhere/")
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.asyncio
async def test_it_pushes_exactly_the_changes_written(live: Sandbox) -> None:
    communicator = await connect()
    first = await receive(communicator, "snapshot")
    created = await db(store.create)(live, config_map("settings"), namespace="default")
    batch = await receive(communicator, "events")
    assert batch["from"] == first["resourceVersion"]
    assert batch["events"] == [snapshot.event("ADDED", created)]
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_it_coalesces_a_burst_into_one_batch(live: Sandbox) -> None:
    communicator = await connect()
    await receive(communicator, "snapshot")

    def burst() -> None:
        for i in range(5):
            store.create(live, config_map(f"web-{i}"), namespace="default")

    await db(burst)()
    batch = await receive(communicator, "events")
    assert [e["object"]["metadata"]["name"] for e in batch["events"]] == [f"web-{i}" for i in range(5)]
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_it_brings_the_snapshot_up_to_date_with_the_events_it_pushes(live: Sandbox) -> None:
    """THE test: the old snapshot plus the pushed events is the new snapshot."""
    communicator = await connect()
    before = snapshot.Snapshot.from_message(await receive(communicator, "snapshot"))
    await db(scenario)(live)
    batches = await batches_until(communicator, await db(current_rv)(live))
    after = before
    for batch in batches:
        after = snapshot.apply_batch(after, batch)
    assert after == await db(fresh_snapshot)(live)
    events = [event for batch in batches for event in batch["events"]]
    assert snapshot.apply_events(before, events, batches[-1]["to"]) == after
    await communicator.disconnect()


def scenario(sandbox: Sandbox) -> None:
    """Create pods, update one's status, bind and relabel another, delete a third."""
    assert POD is not None
    for name in ("web-1", "web-2", "web-3"):
        store.create(sandbox, manifest(name, app="web"), namespace="default")

    def running(pod: Obj) -> Obj:
        pod["status"]["phase"] = "Running"
        return pod

    def relabel(pod: Obj) -> Obj:
        pod["metadata"]["labels"]["tier"] = "front"
        return pod

    store.patch(sandbox, POD, "default", "web-1", running, subresource="status")
    store.patch(sandbox, POD, "default", "web-2", relabel)
    store.delete(sandbox, POD, "default", "web-3")


@pytest.mark.asyncio
async def test_it_answers_a_gap_with_a_new_snapshot(live: Sandbox) -> None:
    communicator = await connect()
    await receive(communicator, "snapshot")
    await db(store.create)(live, manifest("web"), namespace="default")
    await communicator.send_json_to({"type": "resync"})
    # The write's batch may come first; the snapshot answers the resync all the same.
    message = await receive(communicator, "snapshot", skipping=("clock", "activity", "events"))
    assert "web" in [o["metadata"]["name"] for o in message["objects"]]
    assert snapshot.Snapshot.from_message(message) == await db(fresh_snapshot)(live)
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_it_reads_the_log_when_a_hint_is_lost(live: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumers, "BACKSTOP_SECONDS", 0.2)
    communicator = await connect()
    first = await receive(communicator, "snapshot")
    monkeypatch.setattr(announce, "get_channel_layer", lambda: None)  # the at-most-once layer drops the hint
    await db(store.create)(live, config_map("web"), namespace="default")
    batch = await receive(communicator, "events")
    assert batch["from"] == first["resourceVersion"]
    assert [e["object"]["metadata"]["name"] for e in batch["events"]] == ["web"]
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_it_closes_when_the_sandbox_is_deleted(live: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumers, "BACKSTOP_SECONDS", 0.2)
    communicator = await connect()
    await receive(communicator, "snapshot")
    await db(sandboxes.delete)("live")
    output = await communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": consumers.NOT_FOUND}


def test_it_answers_with_a_snapshot_when_the_log_was_compacted(live: Sandbox) -> None:
    store.create(live, manifest("web"), namespace="default")
    store.compact(live, keep=0)
    message = feed.changes_message(live.pk, 1)
    assert message is not None and message["type"] == "snapshot"
    assert message["resourceVersion"] == current_rv(live)


def test_it_has_nothing_to_send_when_nothing_changed(live: Sandbox) -> None:
    assert feed.changes_message(live.pk, current_rv(live)) == {}


@pytest.mark.asyncio
async def test_it_stops_its_tasks_on_disconnect(live: Sandbox) -> None:
    communicator = await connect()
    await receive(communicator, "snapshot")
    await communicator.disconnect()
    await asyncio.sleep(0)
    pending = [t for t in asyncio.all_tasks() if "_guarded" in repr(t.get_coro())]
    assert pending == []
