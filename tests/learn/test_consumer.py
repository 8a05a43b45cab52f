"""The lesson socket: a change in the learner's sandbox turns the current step green, unasked."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from web.learn import lessons
from web.learn.models import LessonSandbox, Progress
from web.routing import websocket_urlpatterns

from .walkthrough import answer

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async


@pytest.fixture(autouse=True)
def in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest_asyncio.fixture(autouse=True)
async def close_thread_connections() -> AsyncIterator[None]:
    yield
    await db(connections.close_all)()


async def receive(communicator: WebsocketCommunicator, step: str) -> dict[str, Any]:
    """The next verdict on `step` (earlier verdicts on other steps are skipped)."""
    while True:
        message: dict[str, Any] = await communicator.receive_json_from(timeout=10)
        if message.get("step") == step:
            return message


def open_lesson() -> str:
    client = Client()
    assert client.get("/learn/example/").status_code == 200
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def connect(session: str | None) -> WebsocketCommunicator:
    headers = [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode())] if session else []
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/learn/example/", headers=headers)
    return communicator


def apply_the_pods() -> None:
    link = LessonSandbox.objects.select_related("sandbox").get()
    lesson = lessons.find("example")
    assert lesson is not None
    answer(link.sandbox, lesson, lesson.steps[1].solution)


@pytest.mark.asyncio
async def test_it_turns_steps_green_as_the_sandbox_changes(example_lessons: Path) -> None:
    communicator = await connect(await db(open_lesson)())
    connected, _ = await communicator.connect()
    assert connected
    first = await receive(communicator, "look")
    assert first["passed"] is False and "Run `kubectl get nodes`" in first["explanation"]["en"]

    await communicator.send_json_to({"type": "ran", "command": "get nodes -o wide"})
    assert (await receive(communicator, "look"))["passed"] is True
    waiting = await receive(communicator, "pods")
    assert waiting["passed"] is False and "There is no Deployment `web`" in waiting["explanation"]["en"]

    await db(apply_the_pods)()  # as if the learner applied the manifest: nobody asks the socket
    assert (await receive(communicator, "pods"))["passed"] is True
    service = await receive(communicator, "service")
    assert service["passed"] is False and service["explanation"]["ko"] == "service.yaml을 먼저 적용하세요."
    passed = await db(lambda: set(Progress.objects.filter(passed_at__isnull=False).values_list("step", flat=True)))()
    assert passed == {"look", "pods"}
    link = await db(lambda: LessonSandbox.objects.get())()
    assert link.step == "service"
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_it_refuses_a_socket_without_the_learners_session(example_lessons: Path) -> None:
    await db(open_lesson)()
    communicator = await connect(None)
    connected, code = await communicator.connect()
    assert not connected and code == 4404
