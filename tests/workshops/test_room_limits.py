"""The remaining boundaries of a room: "move everyone", closing the workshop, the participant's
rate limit on the Kubernetes API over HTTP, and the read-only sandbox page an instructor watches."""

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from cluster import sandboxes
from tests.workshops.conftest import Joined, join, signed_in
from web.routing import websocket_urlpatterns
from web.workshops import ratelimit
from web.workshops.models import Workshop


@pytest.fixture(autouse=True)
def in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def fresh_buckets() -> Iterator[None]:
    ratelimit.forget()
    yield
    ratelimit.forget()


@pytest_asyncio.fixture(autouse=True)
async def close_thread_connections() -> AsyncIterator[None]:
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def two_lessons(workshop: Workshop) -> Workshop:
    workshop.lessons = ["cluster", "pods"]
    workshop.save(update_fields=["lessons"])
    return workshop


@pytest.fixture
def pair(two_lessons: Workshop) -> tuple[Joined, Joined]:
    return join(two_lessons, "Ann"), join(two_lessons, "Bo")


def participant_socket(joined: Joined) -> WebsocketCommunicator:
    return WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/workshops/participant/",
                                 headers=[(b"cookie", f"sessionid={joined.session}".encode())])


async def everyone_hears(pair: tuple[Joined, Joined], post: Any) -> list[dict[str, Any]]:
    """Connect both participants' pages, do `post`, and return what each page received."""
    sockets = [participant_socket(j) for j in pair]
    for communicator in sockets:
        assert (await communicator.connect())[0]
    response = await database_sync_to_async(post)()
    assert response.status_code == 200, response.content
    heard = [await communicator.receive_json_from(timeout=3) for communicator in sockets]
    for communicator in sockets:
        await communicator.disconnect()
    return heard


# --- move everyone ---------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_moves_every_participant_to_a_lesson(pair: tuple[Joined, Joined], two_lessons: Workshop) -> None:
    instructor = await database_sync_to_async(signed_in)(two_lessons.instructor)

    heard = await everyone_hears(pair, lambda: instructor.post(f"/workshops/{two_lessons.pk}/move/", {"lesson": "pods"},
                                                               HTTP_ACCEPT="application/json"))

    assert heard == [{"type": "move", "lesson": "pods", "url": "/learn/pods/"}] * 2
    await database_sync_to_async(two_lessons.refresh_from_db)()
    assert two_lessons.current_lesson == "pods"
    page = await database_sync_to_async(pair[0].client.get)("/me/")
    assert 'href="/learn/pods/"' in page.content.decode()  # a page opened later follows the room too


@pytest.mark.django_db
def test_it_refuses_to_move_the_room_to_a_lesson_outside_the_workshop(pair: tuple[Joined, Joined],
                                                                      two_lessons: Workshop,
                                                                      other_instructor: Any) -> None:
    instructor = signed_in(two_lessons.instructor)
    refused = instructor.post(f"/workshops/{two_lessons.pk}/move/", {"lesson": "services"})
    assert refused.status_code == 400 and "lesson" in refused.json()["errors"]
    assert signed_in(other_instructor).post(f"/workshops/{two_lessons.pk}/move/", {"lesson": "pods"}).status_code == 404
    assert pair[0].client.post(f"/workshops/{two_lessons.pk}/move/", {"lesson": "pods"}).status_code == 404
    two_lessons.refresh_from_db()
    assert two_lessons.current_lesson == ""


# --- close -----------------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_closes_the_workshop_for_everyone(pair: tuple[Joined, Joined], two_lessons: Workshop) -> None:
    instructor = await database_sync_to_async(signed_in)(two_lessons.instructor)

    heard = await everyone_hears(pair, lambda: instructor.post(f"/workshops/{two_lessons.pk}/close/",
                                                               HTTP_ACCEPT="application/json"))

    assert heard == [{"type": "closed"}] * 2
    await database_sync_to_async(two_lessons.refresh_from_db)()
    assert not two_lessons.is_open


@pytest.mark.django_db
def test_it_lets_nobody_join_a_closed_workshop_but_keeps_the_sandboxes(pair: tuple[Joined, Joined],
                                                                       two_lessons: Workshop,
                                                                       other_instructor: Any) -> None:
    assert signed_in(other_instructor).post(f"/workshops/{two_lessons.pk}/close/").status_code == 404
    assert pair[0].client.post(f"/workshops/{two_lessons.pk}/close/").status_code == 404
    signed_in(two_lessons.instructor).post(f"/workshops/{two_lessons.pk}/close/")

    late = Client().post("/join/", {"code": two_lessons.join_code, "display_name": "Cy"})

    assert late.status_code == 400 and "This workshop is closed." in late.content.decode()
    assert two_lessons.participants.count() == 2
    ann = pair[0]
    assert ann.client.get(f"/sandboxes/{ann.sandbox.name}/").status_code == 200
    assert "This workshop is closed." in ann.client.get("/me/").content.decode()
    dashboard = signed_in(two_lessons.instructor).get(f"/workshops/{two_lessons.pk}/").content.decode()
    assert 'data-open="false">Closed</span>' in dashboard


# --- the rate limit over HTTP ----------------------------------------------------------------

@pytest.fixture
def tight_limit(settings: Any) -> None:
    settings.KUBELAB_PARTICIPANT_BURST = 3
    settings.KUBELAB_PARTICIPANT_RPS = 0.001  # no refill within the test


def api(client: Client, token: str) -> Any:
    return client.get(f"/k8s/{token}/api/v1/namespaces/default/pods")


@pytest.mark.django_db
def test_it_answers_429_when_a_participant_exceeds_the_rate(pair: tuple[Joined, Joined], tight_limit: None) -> None:
    ann, bo = pair
    client = Client()
    assert [api(client, ann.sandbox.token).status_code for _ in range(3)] == [200, 200, 200]

    refused = api(client, ann.sandbox.token)

    assert refused.status_code == 429
    assert refused.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                              "message": "Too many requests, please try again later.", "reason": "TooManyRequests",
                              "details": {"retryAfterSeconds": 1}, "code": 429}
    assert refused["Retry-After"] == "1"
    assert api(client, bo.sandbox.token).status_code == 200  # each participant has a bucket of their own


@pytest.mark.django_db
def test_it_does_not_limit_a_sandbox_outside_any_workshop(tight_limit: None) -> None:
    alone = sandboxes.create("alone", nodes=1, profile="fast", speed=0)
    client = Client()
    assert {api(client, alone.token).status_code for _ in range(6)} == {200}


# --- the instructor watches read-only --------------------------------------------------------

def workspace_data(page: Any) -> dict[str, Any]:
    script = r'<script id="workspace-data" type="application/json">(.*?)</script>'
    found = re.search(script, page.content.decode(), re.S)
    assert found, "the sandbox page carries its workspace data"
    return dict(json.loads(found.group(1)))


@pytest.mark.django_db
def test_it_marks_the_page_read_only_for_the_watching_instructor(pair: tuple[Joined, Joined],
                                                                 two_lessons: Workshop) -> None:
    ann = pair[0]
    path = f"/sandboxes/{ann.sandbox.name}/"
    watching = workspace_data(signed_in(two_lessons.instructor).get(path))
    owning = workspace_data(ann.client.get(path))
    assert (watching["readOnly"], watching["api"]) == (True, "")
    assert (owning["readOnly"], owning["api"]) == (False, f"/k8s/{ann.sandbox.token}")
    refused = signed_in(two_lessons.instructor).post(f"{path}workspace/console", {"command": "delete pod --all"},
                                                     content_type="application/json")
    assert refused.status_code == 404
