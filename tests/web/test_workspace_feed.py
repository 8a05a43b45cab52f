"""The activity feed over the live socket: who acted, what it decided (in the page's language),
and the Kubernetes Events among the changes."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections

from cluster import reconcile, sandboxes, store
from cluster.models import Profile, Sandbox
from web import consumers
from web.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
db = database_sync_to_async


@pytest.fixture(autouse=True)
def in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest_asyncio.fixture(autouse=True)
async def close_thread_connections() -> AsyncIterator[None]:
    yield
    await db(connections.close_all)()


@pytest.fixture
def live(transactional_db: None) -> Sandbox:
    return sandboxes.create("live", nodes=2, profile=Profile.FAST, speed=0)


async def connect(query: str = "") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/sandboxes/live/{query}")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def collect(communicator: WebsocketCommunicator, until: Any) -> list[dict[str, Any]]:
    """Messages until `until(messages)` holds (each receive times out after 5 s)."""
    messages: list[dict[str, Any]] = []
    while not until(messages):
        messages.append(await communicator.receive_json_from(timeout=5))
    return messages


def activity(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for message in messages for entry in message.get("activity", [])]


def said(messages: list[dict[str, Any]]) -> list[str]:
    return [n["text"] for entry in activity(messages) for n in entry["narrations"]]


def replica_set() -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}}}


async def test_it_tells_who_acted_and_what_it_decided(live: Sandbox) -> None:
    communicator = await connect()
    await collect(communicator, lambda m: any(x["type"] == "snapshot" for x in m))

    await db(store.create)(live, replica_set(), namespace="default")
    await db(reconcile.run)(live.pk)
    messages = await collect(communicator, lambda m: sum("creating" in s for s in said(m)) >= 2)

    actors = [entry["actor"] for entry in activity(messages)]
    assert actors[0] == "apiserver"
    assert {"replicaset", "scheduler", "kubelet"} <= set(actors)
    assert sum(s.startswith("ReplicaSet web: ") and ", creating web-" in s for s in said(messages)) == 2
    notices = [n for message in messages for n in message.get("notices", [])]
    assert {"SuccessfulCreate", "Scheduled"} <= {n["reason"] for n in notices}
    await communicator.disconnect()


async def test_it_narrates_in_the_pages_language(live: Sandbox) -> None:
    communicator = await connect("?lang=ko")
    await collect(communicator, lambda m: any(x["type"] == "snapshot" for x in m))

    await db(store.create)(live, replica_set(), namespace="default")
    await db(reconcile.run)(live.pk)
    messages = await collect(communicator, lambda m: any("만듭니다" in s for s in said(m)))

    assert any(s.startswith("ReplicaSet web: 파드 2개 중 ") for s in said(messages))
    await communicator.disconnect()


async def test_it_keeps_the_socket_open_while_the_clock_needs_no_correction(live: Sandbox,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumers, "BACKSTOP_SECONDS", 0.05)
    communicator = await connect()
    await collect(communicator, lambda m: any(x["type"] == "snapshot" for x in m))

    assert await communicator.receive_nothing(timeout=0.5)  # a closed socket would have said so
    await communicator.disconnect()
