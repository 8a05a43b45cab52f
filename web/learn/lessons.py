"""Lessons as content files: `lessons/NN-slug/lesson.yaml` plus the manifests it names.

A tutorial author adds a lesson without touching Python (the format: `docs/lessons.md`).
Loading validates everything up front, so a malformed lesson fails with an error that names
the file and the field (`lessons/04-services/lesson.yaml: steps[1].check[0].service.endpoint:
is not a parameter of service`), at `manage.py lessons check` and in the tests, rather than as
a step a learner can never pass.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from web.learn.checks import CHECKS, Text, situations
from web.learn.checks import reading as check_reading
from web.learn.checks.verdict import LANGUAGES

FOLDER = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)$")
PROFILES = ("fast", "realistic")

# Every action a lesson may take (solution, wrong, setup): its required and optional parameters.
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "apply": (frozenset({"file"}), frozenset()),
    "kubectl": (frozenset({"command"}), frozenset()),
    "advance": (frozenset({"seconds"}), frozenset()),
    "crash-node": (frozenset({"node"}), frozenset()),
    "stop-node": (frozenset({"node"}), frozenset()),
    "restart-node": (frozenset({"node"}), frozenset()),
    "add-node": (frozenset(), frozenset({"node", "cpu", "memory"})),
    "cordon": (frozenset({"node"}), frozenset()),
    "uncordon": (frozenset({"node"}), frozenset()),
    "drain": (frozenset({"node"}), frozenset()),
    "start-load": (frozenset({"service", "rps"}), frozenset({"namespace"})),
    "stop-load": (frozenset({"service"}), frozenset({"namespace"})),
}
# The short forms: `- apply: web.yaml` is `- action: apply, file: web.yaml`.
SHORT_FORMS = {"apply": "file", "kubectl": "command", "advance": "seconds"}


class LessonError(ValueError):
    def __init__(self, path: Path | str, field: str, message: str) -> None:
        self.path, self.field, self.message = str(path), field, message
        super().__init__(f"{path}: {field}: {message}" if field else f"{path}: {message}")


@dataclass(frozen=True)
class Action:
    verb: str
    params: Mapping[str, Any]

    def describe(self) -> str:
        """The action as the page's "show solution" lists it."""
        if self.verb in SHORT_FORMS:
            return f"{self.verb}: {self.params[SHORT_FORMS[self.verb]]}"
        return " ".join([self.verb, *(f"{k}={v}" for k, v in self.params.items())])


@dataclass(frozen=True)
class Step:
    id: str
    title: Text
    body: Text
    hint: Text
    solution: tuple[Action, ...]
    wrong: tuple[Action, ...]
    # Extension: what the explanation after the `wrong` answer must contain, in each language (tests).
    wrong_says: Text | None
    setup: tuple[Action, ...]
    check: tuple[Mapping[str, Any], ...]
    explain: tuple[tuple[Mapping[str, Any], Text], ...]


@dataclass(frozen=True)
class Scene:
    nodes: int = 3
    profile: str = "realistic"
    speed: float = 1.0
    manifests: tuple[str, ...] = ()
    node_cpu: str = "4"
    node_memory: str = "8Gi"


@dataclass(frozen=True)
class Lesson:
    id: str
    order: int
    title: Text
    summary: Text
    concepts: tuple[str, ...]
    scene: Scene
    steps: tuple[Step, ...]
    folder: Path

    def file(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def step(self, step_id: str) -> Step:
        return next((s for s in self.steps if s.id == step_id), self.steps[0])

    def after(self, step_id: str) -> Step | None:
        ids = [s.id for s in self.steps]
        index = ids.index(step_id) + 1 if step_id in ids else len(ids)
        return self.steps[index] if index < len(ids) else None


# --- loading ------------------------------------------------------------------------------

def lessons_dir() -> Path:
    """`lessons/` in the project, unless the setting KUBELAB_LESSONS_DIR names another folder (tests do)."""
    return Path(getattr(settings, "KUBELAB_LESSONS_DIR", Path(settings.BASE_DIR) / "lessons"))


_loaded: dict[Path, tuple[float, list[Lesson]]] = {}


def catalogue(root: Path | None = None) -> list[Lesson]:
    """The lessons, loaded again only when a file under the folder changed (authors see edits at once)."""
    root = root or lessons_dir()
    stamp = max([p.stat().st_mtime for p in root.rglob("*")] or [0.0]) if root.is_dir() else 0.0
    cached = _loaded.get(root)
    if cached is None or cached[0] != stamp:
        cached = _loaded[root] = (stamp, load_all(root))
    return cached[1]


def find(lesson_id: str, root: Path | None = None) -> Lesson | None:
    return next((lesson for lesson in catalogue(root) if lesson.id == lesson_id), None)


def load_all(root: Path | None = None) -> list[Lesson]:
    """Every lesson under `root`, in order; the first malformed one raises LessonError."""
    lessons = [load(folder) for folder in lesson_folders(root or lessons_dir())]
    seen: dict[str, Path] = {}
    for lesson in lessons:
        if lesson.id in seen:
            raise LessonError(lesson.folder / "lesson.yaml", "id", f"{lesson.id!r} is also the id of {seen[lesson.id]}")
        seen[lesson.id] = lesson.folder
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.id))


def lesson_folders(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "lesson.yaml").is_file())


def load(folder: Path) -> Lesson:
    path = folder / "lesson.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LessonError(path, "", f"not valid YAML: {error}") from None
    return _Reader(path, folder).lesson(raw)


class _Reader:
    """Reads one lesson.yaml, raising LessonError(path, field) at the first problem."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.path, self.folder = path, folder

    def fail(self, field: str, message: str) -> LessonError:
        return LessonError(self.path, field, message)

    def lesson(self, raw: Any) -> Lesson:
        raw = self.mapping(raw, "", ("id", "order", "title", "summary", "scene", "steps"), ("concepts",))
        lesson_id, order = self.string(raw["id"], "id"), self.integer(raw["order"], "order")
        match = FOLDER.match(self.folder.name)
        if match is None or match.group(2) != lesson_id:
            raise self.fail("id", f"{lesson_id!r} must be the folder name without its number "
                                  f"(folder {self.folder.name!r}; folders are named NN-<id>)")
        if int(match.group(1)) != order:
            raise self.fail("order", f"{order} differs from the folder's number {match.group(1)}")
        steps = self.sequence(raw["steps"], "steps")
        if not steps:
            raise self.fail("steps", "a lesson needs at least one step")
        parsed = tuple(self.step(s, f"steps[{i}]") for i, s in enumerate(steps))
        self.unique([s.id for s in parsed], "steps")
        concepts = tuple(self.string(c, f"concepts[{i}]") for i, c in enumerate(self.sequence(raw.get("concepts", []),
                                                                                              "concepts")))
        return Lesson(lesson_id, order, self.text(raw["title"], "title"), self.text(raw["summary"], "summary"),
                      concepts, self.scene(raw["scene"]), parsed, self.folder)

    def scene(self, raw: Any) -> Scene:
        raw = self.mapping(raw, "scene", (), ("nodes", "profile", "speed", "manifests", "node_cpu", "node_memory"))
        profile = str(raw.get("profile", "realistic"))
        if profile not in PROFILES:
            raise self.fail("scene.profile", f"{profile!r} is not one of {', '.join(PROFILES)}")
        manifests = tuple(self.manifest(m, f"scene.manifests[{i}]")
                          for i, m in enumerate(self.sequence(raw.get("manifests") or [], "scene.manifests")))
        nodes = self.integer(raw.get("nodes", 3), "scene.nodes")
        if not 1 <= nodes <= 10:
            raise self.fail("scene.nodes", "must be between 1 and 10")
        return Scene(nodes, profile, self.number(raw.get("speed", 1), "scene.speed"), manifests,
                     str(raw.get("node_cpu", "4")), str(raw.get("node_memory", "8Gi")))

    def step(self, raw: Any, where: str) -> Step:
        raw = self.mapping(raw, where, ("id", "title", "body", "check", "solution"),
                           ("hint", "wrong", "wrong_says", "setup", "explain"))
        checks = self.sequence(raw["check"], f"{where}.check")
        if not checks:
            raise self.fail(f"{where}.check", "a step needs at least one check")
        return Step(self.string(raw["id"], f"{where}.id"), self.text(raw["title"], f"{where}.title"),
                    self.text(raw["body"], f"{where}.body"),
                    self.text(raw["hint"], f"{where}.hint") if "hint" in raw else {},
                    self.actions(raw["solution"], f"{where}.solution"),
                    self.actions(raw.get("wrong"), f"{where}.wrong"),
                    self.text(raw["wrong_says"], f"{where}.wrong_says") if "wrong_says" in raw else None,
                    self.actions(raw.get("setup"), f"{where}.setup"),
                    tuple(self.check(c, f"{where}.check[{i}]") for i, c in enumerate(checks)),
                    tuple(self.explanation(e, f"{where}.explain[{i}]")
                          for i, e in enumerate(self.sequence(raw.get("explain") or [], f"{where}.explain"))))

    def check(self, raw: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping) or len(raw) != 1:
            raise self.fail(where, "must be a mapping with exactly one check type, e.g. {deployment: {name: web}}")
        ((name, spec),) = raw.items()
        if name not in CHECKS:
            raise self.fail(f"{where}.{name}", f"is not a check type (known: {', '.join(sorted(CHECKS))})")
        for field, message in CHECKS[name].problems(spec):
            raise self.fail(f"{where}.{name}.{field}".rstrip("."), message)
        if "kind" in spec:
            self.kind(spec["kind"], f"{where}.{name}.kind")
        return {name: dict(spec)}

    def kind(self, name: Any, where: str) -> None:
        try:
            check_reading.kind_named(str(name))
        except KeyError:
            raise self.fail(where, f"{name!r} is not a kind KubeLab serves") from None

    def explanation(self, raw: Any, where: str) -> tuple[Mapping[str, Any], Text]:
        raw = self.mapping(raw, where, ("when", "say"), ())
        for field, message in situations.problems(raw["when"]):
            raise self.fail(f"{where}.when.{field}".rstrip("."), message)
        return dict(raw["when"]), self.text(raw["say"], f"{where}.say")

    def actions(self, raw: Any, where: str) -> tuple[Action, ...]:
        return tuple(self.action(a, f"{where}[{i}]") for i, a in enumerate(self.sequence(raw or [], where)))

    def action(self, raw: Any, where: str) -> Action:
        if not isinstance(raw, Mapping):
            raise self.fail(where, "must be a mapping such as {apply: web.yaml} or {action: crash-node, node: node-2}")
        short = [key for key in SHORT_FORMS if key in raw]
        if short and "action" not in raw:
            if len(raw) != 1:
                raise self.fail(where, f"{short[0]}: takes no other keys")
            verb, params = short[0], {SHORT_FORMS[short[0]]: raw[short[0]]}
        else:
            verb, params = str(raw.get("action", "")), {k: v for k, v in raw.items() if k != "action"}
        if verb not in ACTIONS:
            raise self.fail(f"{where}.action", f"{verb!r} is not an action (known: {', '.join(ACTIONS)})")
        required, optional = ACTIONS[verb]
        for key in sorted(required - params.keys()):
            raise self.fail(f"{where}.{key}", f"is required by {verb}")
        for key in params:
            if key not in required | optional:
                raise self.fail(f"{where}.{key}", f"is not a parameter of {verb}")
        if verb == "apply":
            self.manifest(params["file"], f"{where}.file")
        if verb == "advance":
            self.number(params["seconds"], f"{where}.seconds")
        return Action(verb, params)

    def manifest(self, name: Any, where: str) -> str:
        name = self.string(name, where)
        path = self.folder / name
        if "/" in name or not path.is_file():
            raise self.fail(where, f"no file {name!r} next to lesson.yaml")
        try:
            documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        except yaml.YAMLError as error:
            raise LessonError(path, "", f"not valid YAML: {error}") from None
        for i, doc in enumerate(documents):
            if not isinstance(doc, Mapping) or not doc.get("kind") or not doc.get("apiVersion"):
                raise LessonError(path, f"document {i + 1}", "needs apiVersion and kind")
        return name

    # --- scalar shapes ---

    def mapping(self, raw: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(where or "(top)", "must be a mapping")
        for key in required:
            if key not in raw:
                raise self.fail(f"{where}.{key}".lstrip("."), "is required")
        for key in raw:
            if key not in required + optional:
                raise self.fail(f"{where}.{key}".lstrip("."), f"is not a known field (known: "
                                                              f"{', '.join(required + optional)})")
        return raw

    def sequence(self, raw: Any, where: str) -> list[Any]:
        if not isinstance(raw, list):
            raise self.fail(where, "must be a list")
        return raw

    def text(self, raw: Any, where: str) -> Text:
        if not isinstance(raw, Mapping):
            raise self.fail(where, "must give the text in every language: {en: ..., ko: ...}")
        for lang in LANGUAGES:
            if not isinstance(raw.get(lang), str) or not raw[lang].strip():
                raise self.fail(f"{where}.{lang}", "is required (text in every language)")
        return {lang: str(raw[lang]) for lang in LANGUAGES}

    def string(self, raw: Any, where: str) -> str:
        if not isinstance(raw, str | int) or not str(raw).strip():
            raise self.fail(where, "must be a non-empty string")
        return str(raw)

    def integer(self, raw: Any, where: str) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise self.fail(where, "must be a whole number")
        return raw

    def number(self, raw: Any, where: str) -> float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.fail(where, "must be a number")
        return float(raw)

    def unique(self, ids: list[str], where: str) -> None:
        for i, step_id in enumerate(ids):
            if step_id in ids[:i]:
                raise self.fail(f"{where}[{i}].id", f"{step_id!r} is used by an earlier step")
