"""Progress is kept for anonymous learners and follows them when they sign in."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from web.learn.checks import Verdict
from web.learn.models import LessonSandbox, Progress
from web.learn.progress import Learner, record

pytestmark = pytest.mark.django_db

FAILED = Verdict(False, {"en": "There is no Deployment `web` yet.", "ko": "디플로이먼트 `web`이 아직 없어요."})
PASSED = Verdict(True, {"en": "Done.", "ko": "완료."})


def test_it_counts_attempts_by_new_explanations_and_keeps_the_first_pass() -> None:
    learner = Learner(None, "abc")
    record(learner, "example", "pods", FAILED)
    record(learner, "example", "pods", FAILED)  # the same state judged again: not a new attempt
    row = record(learner, "example", "pods", PASSED)
    first = row.passed_at
    row = record(learner, "example", "pods", PASSED)
    assert row.attempts == 1 and row.last_explanation == dict(FAILED.explanation) and row.passed_at == first


def test_it_keeps_an_anonymous_learners_progress_when_they_sign_in(client: Client, example_lessons: Path) -> None:
    client.get("/learn/example/")
    anonymous = client.session["learn.learner"]
    record(Learner(None, anonymous), "example", "look", PASSED)
    user = User.objects.create_user("ada", password="secret-password-1")
    earlier = record(Learner(user.pk), "example", "pods", PASSED)
    sandbox = LessonSandbox.objects.get().sandbox_id

    client.login(username="ada", password="secret-password-1")

    steps = set(Progress.objects.filter(user=user, passed_at__isnull=False).values_list("step", flat=True))
    assert steps == {"look", "pods"} and not Progress.objects.filter(anonymous=anonymous).exists()
    assert Progress.objects.get(user=user, step="pods").passed_at == earlier.passed_at
    assert LessonSandbox.objects.get(user=user).sandbox_id == sandbox  # the lesson they were in goes on
    page = client.get("/learn/").content.decode()
    assert "2 of 3 steps" in page
