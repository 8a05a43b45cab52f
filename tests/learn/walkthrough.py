"""Walking a lesson as a learner would, on a real sandbox: each step's setup, then an answer.

`scene.start` with the fast profile and a paused clock; after every action the sandbox is
reconciled (`cluster.reconcile.run`), as the workers would. Shared by the per-lesson test
and the engine's own tests.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from cluster import reconcile
from cluster.models import Profile, Sandbox
from web.learn import actions, scene, steps
from web.learn.checks import Verdict
from web.learn.lessons import Action, Lesson, Step


def start(lesson: Lesson) -> Sandbox:
    return scene.start(lesson, f"t-{lesson.id}"[:63], profile=Profile.FAST, speed=0)


def settle(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    sandbox.refresh_from_db()


def answer(sandbox: Sandbox, lesson: Lesson, answers: tuple[Action, ...]) -> None:
    """Each action, then a reconcile, so an `advance` lets what waited for that moment happen."""
    for action in answers:
        actions.run(sandbox, lesson, action)
        settle(sandbox)


def verdict(sandbox: Sandbox, step: Step) -> Verdict:
    return steps.verdict(step, sandbox)


@contextmanager
def undone(sandbox: Sandbox) -> Iterator[None]:
    """Whatever happens inside is rolled back: a "fresh sandbox at this step" for a wrong answer."""
    with transaction.atomic():
        point = transaction.savepoint()
        try:
            yield
        finally:
            transaction.savepoint_rollback(point)
    sandbox.refresh_from_db()
