"""THE per-lesson test: every lesson in `lessons/` (and the engine's example) walked on a real sandbox.

For each step: its setup runs, its typical wrong answer (on the sandbox as it is at that step,
rolled back afterwards) must fail with an explanation in every language (containing the step's
`wrong_says`, when the lesson gives it), and its solution must make every check pass.
"""

from pathlib import Path

import pytest

from cluster.models import Sandbox
from web.learn import lessons
from web.learn.actions import ActionFailed
from web.learn.lessons import Lesson, Step

from .walkthrough import answer, settle, start, undone, verdict

FIXTURES = Path(__file__).parent / "lessons"
ALL = [*lessons.load_all(FIXTURES), *lessons.load_all()]


@pytest.mark.django_db
@pytest.mark.parametrize("lesson", ALL, ids=[lesson.id for lesson in ALL])
def test_it_passes_each_step_with_its_solution_and_explains_the_wrong_answer(lesson: Lesson) -> None:
    sandbox = start(lesson)
    for index, step in enumerate(lesson.steps):
        if index:
            answer(sandbox, lesson, step.setup)
        settle(sandbox)
        where = f"{lesson.id}/{step.id}"
        if step.wrong:
            check_wrong_answer(sandbox, lesson, step)
        answer(sandbox, lesson, step.solution)
        judged = verdict(sandbox, step)
        assert judged.passed, f"{where}: the solution does not pass: {judged.explanation['en']}"


def check_wrong_answer(sandbox: Sandbox, lesson: Lesson, step: Step) -> None:
    """The wrong answer fails, explained in every language (with the lesson's `wrong_says`, when it gives one).

    A wrong manifest the API refuses is explained by the API's own error, as the learner sees it in the console.
    """
    where = f"{lesson.id}/{step.id}"
    with undone(sandbox):
        try:
            answer(sandbox, lesson, step.wrong)
        except ActionFailed as refused:
            assert "Error" in str(refused) or "error" in str(refused), where
            return
        wrong = verdict(sandbox, step)
    assert not wrong.passed, f"{where}: the wrong answer passes: {wrong.explanation['en']}"
    for lang in ("en", "ko"):
        assert wrong.explanation[lang].strip(), f"{where}: no explanation in {lang}"
        if step.wrong_says:
            assert step.wrong_says[lang] in wrong.explanation[lang], (
                f"{where}: expected {step.wrong_says[lang]!r} in the explanation, got {wrong.explanation[lang]!r}")
