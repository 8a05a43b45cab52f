"""Loading lessons: a well-formed lesson loads; a malformed one names the file and the field."""

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from web.learn import lessons

from .conftest import FIXTURES


@pytest.fixture
def lesson_dir(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "01-example", tmp_path / "01-example")
    return tmp_path


def edit(root: Path, change: dict[str, Any]) -> Path:
    path = root / "01-example" / "lesson.yaml"
    raw = yaml.safe_load(path.read_text())
    for dotted, value in change.items():
        target: Any = raw
        keys = dotted.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[keys[-1]] = value
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


def test_it_loads_the_example_lesson() -> None:
    (lesson,) = lessons.load_all(FIXTURES)
    assert lesson.id == "example" and [s.id for s in lesson.steps] == ["look", "pods", "service"]
    assert lesson.steps[1].solution[0].verb == "apply" and lesson.steps[2].setup[0].params == {"node": "node-2"}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"steps.0.check": [{"deploymnet": {"name": "web"}}]}, "steps[0].check[0].deploymnet", "is not a check type"),
    ({"steps.1.check": [{"deployment": {"name": "web", "availble": 3}}]}, "steps[1].check[0].deployment.availble",
     "is not a parameter of deployment"),
    ({"steps.1.check": [{"count": {"kind": "Pod"}}]}, "steps[1].check[0].count", "needs one of: max, min"),
    ({"steps.1.check": [{"exists": {"kind": "Podd", "name": "x"}}]}, "steps[1].check[0].exists.kind",
     "not a kind KubeLab serves"),
    ({"steps.0.title": {"en": "Only English"}}, "steps[0].title.ko", "is required"),
    ({"steps.1.solution": [{"apply": "missing.yaml"}]}, "steps[1].solution[0].file", "no file 'missing.yaml'"),
    ({"steps.2.setup": [{"action": "explode-node", "node": "node-1"}]}, "steps[2].setup[0].action",
     "'explode-node' is not an action"),
    ({"steps.2.explain": [{"when": {"service_selects": {"name": "web"}}, "say": {"en": "x", "ko": "y"}}]},
     "steps[2].explain[0].when.service_selects", "is not a situation or check type"),
    ({"steps.1.id": "look"}, "steps[1].id", "is used by an earlier step"),
    ({"id": "other"}, "id", "must be the folder name"),
    ({"scene.profile": "slow"}, "scene.profile", "is not one of fast, realistic"),
])
def test_it_names_the_file_and_field_of_a_mistake(lesson_dir: Path, change: dict[str, Any], field: str,
                                                  message: str) -> None:
    path = edit(lesson_dir, change)
    with pytest.raises(lessons.LessonError) as raised:
        lessons.load_all(lesson_dir)
    assert raised.value.path == str(path) and raised.value.field == field
    assert message in raised.value.message


def test_it_checks_every_lesson_from_the_command_line(lesson_dir: Path) -> None:
    call_command("lessons", "check", "--dir", str(lesson_dir))
    edit(lesson_dir, {"order": 2})
    with pytest.raises(CommandError, match=r"lesson.yaml: order: 2 differs from the folder's number 01"):
        call_command("lessons", "check", "--dir", str(lesson_dir))


def test_it_checks_the_real_lessons() -> None:
    call_command("lessons", "check")
