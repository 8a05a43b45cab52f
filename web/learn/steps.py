"""The tutorial's engine: judge the learner's current step, keep their progress, move them on.

On every change of a lesson's sandbox (`web.learn.consumers` calls `evaluate`, throttled),
the current step's checks run against the sandbox as it is now. A pass is recorded, and the
learner moves to the next step, whose setup (a node that crashes, a clock that skips ahead)
runs at that moment, exactly once: the move is a conditional update, so two browser tabs
cannot both run it. The next step is judged at once too, since it may already hold.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cluster import errors, logs, store
from cluster.models import Sandbox
from cluster.objects import Obj
from cluster.stages.pod_status import containers
from web.learn import actions, checks, console_history, lessons, progress
from web.learn.checks import Facts, Text, Verdict
from web.learn.lessons import Lesson, Step
from web.learn.models import LessonSandbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Status:
    step: str
    passed: bool
    explanation: Text

    def message(self) -> dict[str, Any]:
        return {"type": "step", "step": self.step, "passed": self.passed, "explanation": dict(self.explanation)}


def facts_of(sandbox: Sandbox) -> Facts:
    return Facts(store.load_state(sandbox), lambda pod: log_lines(sandbox, pod), console_history.lines(sandbox))


def log_lines(sandbox: Sandbox, pod: Obj) -> list[str]:
    """Every line the pod's containers printed in their current runs; nothing for one not started."""
    lines: list[str] = []
    for container in containers(pod):
        try:
            lines += logs.read(sandbox, pod, str(container.get("name", "")))
        except errors.StatusError:
            continue  # waiting to start: no logs yet, which is what the check will say
    return lines


def verdict(step: Step, sandbox: Sandbox) -> Verdict:
    return checks.step_verdict(facts_of(sandbox), step.check, step.explain)


def evaluate(link: LessonSandbox) -> list[Status]:
    """Judge the current step; on a pass, move on and judge the next, until one fails or the lesson is done."""
    lesson = lessons.find(link.lesson)
    if lesson is None or link.finished_at is not None:
        return []
    learner = progress.Learner(link.user_id, link.anonymous)
    statuses: list[Status] = []
    for _ in lesson.steps:
        step = lesson.step(link.step)
        judged = verdict(step, link.sandbox)
        progress.record(learner, lesson.id, step.id, judged)
        statuses.append(Status(step.id, judged.passed, judged.explanation))
        if not judged.passed or not move_on(link, lesson, step):
            break
    return statuses


def move_on(link: LessonSandbox, lesson: Lesson, step: Step) -> bool:
    """Make the next step current and run its setup; False when the lesson is done (or another tab moved on)."""
    following = lesson.after(step.id)
    if following is None:
        LessonSandbox.objects.filter(pk=link.pk, finished_at__isnull=True).update(finished_at=timezone.now())
        link.finished_at = timezone.now()
        return False
    if LessonSandbox.objects.filter(pk=link.pk, step=step.id).update(step=following.id) != 1:
        return False
    link.step = following.id
    try:
        actions.run_all(link.sandbox, lesson, following.setup)
    except actions.ActionFailed:
        log.exception("setup of %s/%s failed", lesson.id, following.id)
    return True
