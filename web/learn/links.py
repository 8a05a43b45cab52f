"""A learner's sandbox for a lesson: made on their first visit, reused after, replaced on reset."""

from django.db import IntegrityError, transaction

from cluster.models import Sandbox
from web.learn import scene
from web.learn.lessons import Lesson
from web.learn.models import LessonSandbox
from web.learn.progress import Learner


def current(learner: Learner, lesson: Lesson) -> LessonSandbox | None:
    return LessonSandbox.objects.filter(learner.q(), lesson=lesson.id).select_related("sandbox").first()


def open_lesson(learner: Learner, lesson: Lesson) -> LessonSandbox:
    """The learner's sandbox for `lesson`, built from its scene the first time."""
    return current(learner, lesson) or _create(learner, lesson)


def reset(learner: Learner, lesson: Lesson) -> LessonSandbox:
    """Throw the lesson's sandbox away and start again from the scene, at the first step."""
    old = current(learner, lesson)
    if old is not None:
        old.sandbox.delete()  # the link goes with it
    return _create(learner, lesson)


def _create(learner: Learner, lesson: Lesson) -> LessonSandbox:
    sandbox = scene.start(lesson)
    try:
        with transaction.atomic():
            return LessonSandbox.objects.create(lesson=lesson.id, sandbox=sandbox, step=lesson.steps[0].id,
                                                **learner.owner)
    except IntegrityError:  # the same learner's other tab made one meanwhile: use that one
        Sandbox.objects.filter(pk=sandbox.pk).delete()
        found = current(learner, lesson)
        assert found is not None
        return found
