"""Steering the room: pause and resume every clock, crash a node everywhere, broadcast, reset, close, export;
and the dashboard's rows."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections

from cluster import reconcile
from cluster.models import KubeObject, Sandbox
from tests.workshops.conftest import Joined, join, signed_in
from web.learn.models import Progress
from web.routing import websocket_urlpatterns
from web.workshops import dashboard, export, steering
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
def test_it_pauses_and_resumes_every_clock(pair: tuple[Joined, Joined], workshop: Workshop) -> None:
    client = signed_in(workshop.instructor)
    assert client.post(f"/workshops/{workshop.pk}/clocks/resume/").status_code == 302
    assert set(Sandbox.objects.values_list("speed", flat=True)) == {1.0}
    client.post(f"/workshops/{workshop.pk}/clocks/pause/")
    assert set(Sandbox.objects.values_list("speed", flat=True)) == {0.0}


@pytest.mark.django_db
def test_it_crashes_a_node_in_every_sandbox(pair: tuple[Joined, Joined], workshop: Workshop) -> None:
    response = signed_in(workshop.instructor).post(f"/workshops/{workshop.pk}/inject/",
                                                   {"what": "crash-node", "node": "node-2"},
                                                   HTTP_ACCEPT="application/json")
    assert response.json() == {"done": "crash-node: 2 sandboxes"}
    rows = dashboard.view(workshop)["rows"]
    assert [[n["kubelet"] for n in r["picture"]["nodes"]] for r in rows] == [["running", "crashed", "running"]] * 2


@pytest.mark.django_db
def test_it_resets_one_participants_sandbox(pair: tuple[Joined, Joined], workshop: Workshop) -> None:
    ann, bo = pair
    old_token = ann.sandbox.token
    signed_in(workshop.instructor).post(f"/workshops/{workshop.pk}/participants/{ann.participant.pk}/reset/")
    ann.participant.refresh_from_db()
    assert ann.sandbox.name == f"ws{workshop.pk}-p1" and ann.sandbox.token != old_token
    assert ann.client.get(f"/sandboxes/{ann.sandbox.name}/").status_code == 200


@pytest.mark.django_db
def test_it_shows_each_participants_step_and_the_class(pair: tuple[Joined, Joined], workshop: Workshop) -> None:
    ann, bo = pair
    reconcile.run(ann.sandbox.pk)
    Progress.objects.create(user=ann.participant.user, lesson="cluster", step="nodes", passed_at="2030-01-01T00:00Z")
    Progress.objects.create(user=bo.participant.user, lesson="cluster", step="nodes", attempts=3,
                            last_explanation={"en": "You have not run `get nodes` yet."})
    view = dashboard.view(workshop)
    ann_row, bo_row = view["rows"]
    assert ann_row["steps"][0] == {"id": "nodes", "passed": True} and ann_row["stuck"] == ""
    assert (bo_row["stuck"], bo_row["explanation"]) == ("failing", "You have not run `get nodes` yet.")
    assert view["summary"]["steps"][0] == {"lesson": "cluster", "step": "nodes", "finished": 1}
    assert view["summary"]["commonFailure"] == {"text": "You have not run `get nodes` yet.", "count": 1}
    assert KubeObject.objects.filter(sandbox=ann.participant.sandbox, kind="Node").count() == 3
    lines = export.as_csv(workshop).splitlines()
    assert lines[0].startswith("participant,number,lesson,step") and any(",nodes,2030-01-01" in x for x in lines)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_broadcasts_to_every_participant(pair: tuple[Joined, Joined], workshop: Workshop) -> None:
    sockets = [WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/workshops/participant/",
                                     headers=[(b"cookie", f"sessionid={j.session}".encode())]) for j in pair]
    for communicator in sockets:
        assert (await communicator.connect())[0]
    await database_sync_to_async(steering.broadcast)(workshop, "Break: back in 10 minutes")
    for communicator in sockets:
        message = await communicator.receive_json_from(timeout=3)
        assert (message["type"], message["text"]) == ("broadcast", "Break: back in 10 minutes")
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_sends_the_dashboard_to_its_instructor(pair: tuple[Joined, Joined], workshop: Workshop) -> None:
    client = await database_sync_to_async(signed_in)(workshop.instructor)
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/workshops/{workshop.pk}/dashboard/",
                                         headers=[(b"cookie", f"sessionid={client.cookies['sessionid'].value}"
                                                   .encode())])
    assert (await communicator.connect())[0]
    first = await communicator.receive_json_from(timeout=5)
    assert first["type"] == "dashboard" and [r["name"] for r in first["rows"]] == ["Ann", "Bo"]
    await communicator.disconnect()
