"""The lesson list and a lesson page, through Django's test client."""

from pathlib import Path

import pytest
from django.test import Client

from web.learn.models import LessonSandbox, Progress

pytestmark = pytest.mark.django_db


def test_it_lists_the_lessons_with_what_is_done(client: Client, example_lessons: Path) -> None:
    page = client.get("/learn/")
    assert page.status_code == 200
    assert b"An example" in page.content and b"0 of 3 steps" in page.content
    anonymous = client.session["learn.learner"]
    for step in ("look", "pods", "service"):
        Progress.objects.create(anonymous=anonymous, lesson="example", step=step, passed_at="2026-01-01T00:00Z")
    assert 'data-done="true"' in client.get("/learn/").content.decode()


def test_it_opens_a_lesson_in_a_fresh_sandbox_and_reuses_it(client: Client, example_lessons: Path) -> None:
    page = client.get("/learn/example/")
    assert page.status_code == 200
    link = LessonSandbox.objects.get()
    assert link.sandbox.name.startswith("l-example-") and link.step == "look"
    html = page.content.decode()
    assert 'id="diagram"' in html and 'id="editor"' in html and 'id="console-form"' in html  # the workspace
    assert 'data-step="look" data-state="current"' in html and "lesson-data" in html
    assert "<code>get nodes</code>" in html
    client.get("/learn/example/")
    assert LessonSandbox.objects.get().sandbox_id == link.sandbox_id


def test_it_resets_a_lesson_to_a_new_sandbox_at_the_first_step(client: Client, example_lessons: Path) -> None:
    client.get("/learn/example/")
    old = LessonSandbox.objects.get()
    LessonSandbox.objects.filter(pk=old.pk).update(step="pods")
    assert client.post("/learn/example/reset").status_code == 302
    new = LessonSandbox.objects.get()
    assert new.sandbox_id != old.sandbox_id and new.step == "look"


def test_it_renders_the_lesson_in_korean(client: Client, example_lessons: Path) -> None:
    client.cookies["django_language"] = "ko"
    html = client.get("/learn/example/").content.decode()
    assert "노드 보기" in html and '<html lang="ko">' in html


def test_it_answers_404_for_an_unknown_lesson(client: Client, example_lessons: Path) -> None:
    assert client.get("/learn/nope/").status_code == 404
