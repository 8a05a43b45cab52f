"""Who is learning, and what they have done: progress kept per step, for anonymous learners too.

An anonymous learner is an id stored in their session (not the session key: Django changes
the key on sign-in, while the session's data survives it). When they sign in, the receiver
below moves their lesson sandboxes and step records to their user, merging with what that
user had done before.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from web.learn.checks import Verdict
from web.learn.models import LessonSandbox, Progress

SESSION_KEY = "learn.learner"


@dataclass(frozen=True)
class Learner:
    user_id: int | None
    anonymous: str = ""

    @classmethod
    def of_request(cls, request: HttpRequest) -> "Learner":
        """The signed-in user, or the session's anonymous learner (made on first visit)."""
        if request.user.is_authenticated:
            return cls(int(request.user.pk))
        if SESSION_KEY not in request.session:
            request.session[SESSION_KEY] = uuid.uuid4().hex
        return cls(None, str(request.session[SESSION_KEY]))

    @classmethod
    def of_scope(cls, scope: dict[str, Any]) -> "Learner | None":
        """The same learner for a WebSocket (its scope carries the session and user); None when unknown."""
        user = scope.get("user")
        if user is not None and user.is_authenticated:
            return cls(int(user.pk))
        session = scope.get("session")
        anonymous = session.get(SESSION_KEY) if session is not None else None
        return cls(None, str(anonymous)) if anonymous else None

    @property
    def owner(self) -> dict[str, Any]:
        """The columns naming this learner, for creating rows."""
        return {"user_id": self.user_id, "anonymous": ""} if self.user_id else {"user_id": None,
                                                                               "anonymous": self.anonymous}

    def q(self) -> Q:
        return Q(user_id=self.user_id) if self.user_id else Q(user__isnull=True, anonymous=self.anonymous)


def records(learner: Learner, lesson: str | None = None) -> QuerySet[Progress]:
    found = Progress.objects.filter(learner.q())
    return found.filter(lesson=lesson) if lesson else found


def passed_steps(learner: Learner) -> dict[str, set[str]]:
    """lesson id -> the ids of the steps this learner has passed."""
    done: dict[str, set[str]] = {}
    for lesson, step in records(learner).filter(passed_at__isnull=False).values_list("lesson", "step"):
        done.setdefault(lesson, set()).add(step)
    return done


def record(learner: Learner, lesson: str, step: str, verdict: Verdict) -> Progress:
    """Note a verdict: the first pass is kept; a failure counts as an attempt when its explanation is new."""
    row, _ = Progress.objects.get_or_create(lesson=lesson, step=step, **_lookup(learner))
    if verdict.passed:
        if row.passed_at is None:
            row.passed_at = timezone.now()
            row.save(update_fields=["passed_at", "updated_at"])
    elif dict(verdict.explanation) != row.last_explanation:
        row.attempts += 1
        row.last_explanation = dict(verdict.explanation)
        row.save(update_fields=["attempts", "last_explanation", "updated_at"])
    return row


def _lookup(learner: Learner) -> dict[str, Any]:
    return {"user_id": learner.user_id} if learner.user_id else {"user__isnull": True,
                                                                 "anonymous": learner.anonymous}


# --- signing in ----------------------------------------------------------------------------

@receiver(user_logged_in, dispatch_uid="web.learn.adopt_progress")
def adopt_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    anonymous = request.session.get(SESSION_KEY) if request is not None and hasattr(request, "session") else None
    if anonymous:
        adopt(str(anonymous), int(user.pk))


@transaction.atomic
def adopt(anonymous: str, user_id: int) -> None:
    """Give an anonymous learner's progress and sandboxes to a user, merging step by step."""
    for row in Progress.objects.filter(user__isnull=True, anonymous=anonymous):
        mine = Progress.objects.filter(user_id=user_id, lesson=row.lesson, step=row.step).first()
        if mine is None:
            row.user_id, row.anonymous = user_id, ""
            row.save()
            continue
        mine.passed_at = min((t for t in (mine.passed_at, row.passed_at) if t), default=None)
        mine.attempts += row.attempts
        mine.save()
        row.delete()
    for link in LessonSandbox.objects.filter(user__isnull=True, anonymous=anonymous):
        # The sandbox they were just working in wins over an older one of the same lesson.
        for older in LessonSandbox.objects.filter(user_id=user_id, lesson=link.lesson):
            older.sandbox.delete()
        link.user_id, link.anonymous = user_id, ""
        link.save()
