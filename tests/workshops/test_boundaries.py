"""Every boundary tried and refused: another participant's sandbox by URL, API token, WebSocket and
workspace endpoint, another instructor's dashboard, and a participant at the dashboard."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from tests.workshops.conftest import Joined, join, signed_in
from web.routing import websocket_urlpatterns
from web.workshops.models import Workshop


@pytest.fixture(autouse=True)
def in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest_asyncio.fixture(autouse=True)
async def close_thread_connections() -> AsyncIterator[None]:
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def pair(workshop: Workshop) -> tuple[Joined, Joined]:
    return join(workshop, "Ann"), join(workshop, "Bo")


@pytest.mark.django_db
def test_it_shows_a_participant_their_own_sandbox(pair: tuple[Joined, Joined]) -> None:
    ann, _ = pair
    assert ann.client.get(f"/sandboxes/{ann.sandbox.name}/").status_code == 200


@pytest.mark.django_db
def test_it_hides_another_participants_sandbox_page_and_workspace(pair: tuple[Joined, Joined]) -> None:
    ann, bo = pair
    theirs = bo.sandbox.name
    assert ann.client.get(f"/sandboxes/{theirs}/").status_code == 404
    assert ann.client.post(f"/sandboxes/{theirs}/workspace/console", {"line": "get pods"},
                           content_type="application/json").status_code == 404
    assert Client().get(f"/sandboxes/{theirs}/").status_code == 404


@pytest.mark.django_db
def test_it_refuses_a_token_that_is_not_the_sandboxes(pair: tuple[Joined, Joined]) -> None:
    ann, bo = pair
    forged = ann.sandbox.token + "x"
    assert ann.client.get(f"/k8s/{forged}/api/v1/namespaces/default/pods").status_code == 401
    own = ann.client.get(f"/k8s/{ann.sandbox.token}/api/v1/nodes").json()
    assert own["kind"] == "NodeList"
    bo_uids = set(bo.sandbox.kube_objects.values_list("uid", flat=True))
    assert not {n["metadata"]["uid"] for n in own["items"]} & bo_uids


@pytest.mark.django_db
def test_it_lets_the_instructor_watch_but_not_another_instructor(pair: tuple[Joined, Joined], workshop: Workshop,
                                                                   other_instructor: Any) -> None:
    theirs = pair[1].sandbox.name
    assert signed_in(workshop.instructor).get(f"/sandboxes/{theirs}/").status_code == 200
    stranger = signed_in(other_instructor)
    assert stranger.get(f"/sandboxes/{theirs}/").status_code == 404
    assert stranger.get(f"/workshops/{workshop.pk}/").status_code == 404
    assert stranger.get(f"/workshops/{workshop.pk}/data/").status_code == 404
    assert stranger.get(f"/workshops/{workshop.pk}/export.csv").status_code == 404
    assert stranger.post(f"/workshops/{workshop.pk}/broadcast/", {"text": "hi"}).status_code == 404


@pytest.mark.django_db
def test_it_keeps_participants_off_the_dashboard(pair: tuple[Joined, Joined], workshop: Workshop) -> None:
    ann, _ = pair
    assert ann.client.get(f"/workshops/{workshop.pk}/").status_code == 404
    assert ann.client.post(f"/workshops/{workshop.pk}/clocks/pause/").status_code == 404


def socket(path: str, session: str = "") -> WebsocketCommunicator:
    headers = [(b"cookie", f"sessionid={session}".encode())] if session else []
    return WebsocketCommunicator(URLRouter(websocket_urlpatterns), path, headers=headers)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_another_participants_sandbox_socket(pair: tuple[Joined, Joined]) -> None:
    ann, bo = pair
    mine = socket(f"/ws/sandboxes/{ann.sandbox.name}/", ann.session)
    assert (await mine.connect())[0]
    await mine.disconnect()
    theirs = socket(f"/ws/sandboxes/{bo.sandbox.name}/", ann.session)
    connected, code = await theirs.connect()
    assert not connected and code == 4404


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_another_instructors_dashboard_socket(workshop: Workshop, other_instructor: Any) -> None:
    stranger = await database_sync_to_async(signed_in)(other_instructor)
    communicator = socket(f"/ws/workshops/{workshop.pk}/dashboard/", stranger.cookies["sessionid"].value)
    connected, code = await communicator.connect()
    assert not connected and code == 4404
