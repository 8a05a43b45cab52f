"""The lessons a workshop can cover: the tutorial engine's catalogue (`web.learn.lessons`), seen from a workshop."""

from web.learn import lessons
from web.learn.lessons import Lesson


def lesson(lesson_id: str) -> Lesson | None:
    return lessons.find(lesson_id)


def title_of(lesson_obj: Lesson, language: str) -> str:
    return str(lesson_obj.title.get(language) or lessons_title_en(lesson_obj))


def lessons_title_en(lesson_obj: Lesson) -> str:
    return str(lesson_obj.title.get("en") or lesson_obj.id)


def choices(language: str = "en") -> list[tuple[str, str]]:
    return [(found.id, title_of(found, language)) for found in lessons.catalogue()]


def titled(lesson_ids: list[str], language: str = "en") -> list[dict[str, str]]:
    """The workshop's lessons in order, each with its title in `language` (an unknown id keeps its id)."""
    found = [(lesson_id, lesson(lesson_id)) for lesson_id in lesson_ids]
    return [{"id": lesson_id, "title": title_of(obj, language) if obj else lesson_id} for lesson_id, obj in found]


def step_ids(lesson_id: str) -> list[str]:
    found = lesson(lesson_id)
    return [step.id for step in found.steps] if found is not None else []
