"""Joining: a participant's own sandbox from the scene, the same browser comes back, capacity and closing."""

import pytest
from django.test import Client
from django.utils import timezone

from cluster import store
from cluster.models import Sandbox
from tests.workshops.conftest import join
from web.learn.models import LessonSandbox
from web.workshops import joining
from web.workshops.models import Participant, Workshop

pytestmark = pytest.mark.django_db


def test_it_gives_each_participant_a_sandbox_named_after_their_seat(workshop: Workshop) -> None:
    first, second = join(workshop, "Ann"), join(workshop, "Bo")
    assert [first.participant.number, second.participant.number] == [1, 2]
    assert first.sandbox.name == f"ws{workshop.pk}-p1"
    link = LessonSandbox.objects.get(user=first.participant.user)
    assert (link.lesson, link.sandbox_id) == ("cluster", first.participant.sandbox_id)


def test_it_builds_the_same_scene_for_everyone(workshop: Workshop) -> None:
    first, second = join(workshop, "Ann"), join(workshop, "Bo")
    pods_kind = store.kind_of({"apiVersion": "v1", "kind": "Pod"})

    def names(sandbox: Sandbox) -> list[str]:
        return [p["metadata"]["name"] for p in store.list_objects(sandbox, pods_kind, "default")[0]]
    assert names(first.sandbox) == names(second.sandbox) != []


def test_it_joins_through_the_form_and_brings_the_same_browser_back(workshop: Workshop) -> None:
    browser = Client()
    response = browser.post("/join/", {"code": "abc-234", "display_name": "Ann"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    again = browser.post("/join/", {"code": "ABC234", "display_name": "Ann again"})
    assert again.status_code == 302 and Participant.objects.count() == 1
    page = browser.get("/me/")
    assert page.status_code == 200 and f"ws{workshop.pk}-p1".encode() in page.content


def test_it_lets_a_participant_resume_from_another_browser(workshop: Workshop) -> None:
    joined = join(workshop, "Ann")
    other = Client()
    assert other.get(f"/me/resume/{joined.participant.resume_token}/").status_code == 302
    assert other.get(f"/sandboxes/{joined.sandbox.name}/").status_code == 200


def test_it_refuses_a_join_past_capacity(workshop: Workshop) -> None:
    for name in ("A", "B", "C"):
        join(workshop, name)
    with pytest.raises(joining.JoinRefused, match="full"):
        joining.join(workshop.join_code, "D", profile="fast", speed=0)


def test_it_refuses_a_join_once_closed_or_expired(workshop: Workshop) -> None:
    workshop.expires_at = timezone.now()
    workshop.save()
    response = Client().post("/join/", {"code": workshop.join_code, "display_name": "Late"})
    assert response.status_code == 400 and b"closed" in response.content
