"""The tutorial pages: the lesson list with what is done, a lesson beside its live sandbox, reset.

A lesson page is the sandbox page (`templates/pages/sandbox.html`: diagram, console, YAML
editor, feed) with the lesson's steps beside it; it reuses that template by extending it, and
the sandbox page's scripts drive the workspace. Its own script (`static/js/learn/lesson.js`)
shows each step's verdict as the lesson socket pushes it.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster.models import Sandbox
from web.learn import links, markdown, progress
from web.learn.lessons import Lesson, Step, find
from web.learn.lessons import catalogue as all_lessons
from web.learn.models import LessonSandbox
from web.pages import views as pages_views
from web.pages.views import page_text


def language() -> str:
    code = (translation.get_language() or "en")[:2]
    return code if code in ("en", "ko") else "en"


@require_GET
def lesson_list(request: HttpRequest) -> HttpResponse:
    done = progress.passed_steps(progress.Learner.of_request(request))
    lang = language()
    entries = []
    for lesson in all_lessons():
        passed = len(done.get(lesson.id, set()) & {s.id for s in lesson.steps})
        entries.append({"lesson": lesson, "title": lesson.title[lang], "summary": lesson.summary[lang],
                        "passed": passed, "total": len(lesson.steps), "done": passed == len(lesson.steps)})
    return render(request, "learn/list.html", {"entries": entries})


def _lesson(lesson_id: str) -> Lesson:
    found = find(lesson_id)
    if found is None:
        raise Http404("No such lesson")
    return found


@require_GET
def lesson_page(request: HttpRequest, lesson: str) -> HttpResponse:
    found = _lesson(lesson)
    link = links.open_lesson(progress.Learner.of_request(request), found)
    return render(request, "learn/lesson.html", lesson_context(request, found, link))


@require_POST
def reset(request: HttpRequest, lesson: str) -> HttpResponse:
    links.reset(progress.Learner.of_request(request), _lesson(lesson))
    return redirect("learn-lesson", lesson=lesson)


def lesson_context(request: HttpRequest, lesson: Lesson, link: LessonSandbox) -> dict[str, Any]:
    lang, ids = language(), [s.id for s in lesson.steps]
    current = ids.index(link.step) if link.step in ids else 0
    states = ["done" if i < current or link.finished_at else "current" if i == current else "upcoming"
              for i in range(len(ids))]
    data = {"id": lesson.id, "socket": f"/ws/learn/{lesson.id}/", "current": link.step,
            "finished": link.finished_at is not None, "steps": ids, "text": lesson_text()}
    return {**workspace_context(request, link.sandbox), "lesson": lesson, "title": lesson.title[lang],
            "steps": [step_view(lesson, step, state, lang) for step, state in zip(lesson.steps, states, strict=True)],
            "lesson_data": data, "finished": link.finished_at is not None,
            "reset_url": reverse("learn-reset", args=[lesson.id])}


def workspace_context(request: HttpRequest, sandbox: Sandbox) -> dict[str, Any]:
    """The sandbox page's context: the learner's own lesson sandbox is theirs to act on."""
    return {**pages_views.workspace_context(request, sandbox, may_act=True), "text": page_text()}


def step_view(lesson: Lesson, step: Step, state: str, lang: str) -> dict[str, Any]:
    return {"id": step.id, "state": state, "title": step.title[lang], "body": markdown.render(step.body[lang]),
            "hint": markdown.render(step.hint[lang]) if step.hint else "",
            "solution": [solution_view(lesson, action.verb, dict(action.params)) for action in step.solution]}


def solution_view(lesson: Lesson, verb: str, params: dict[str, Any]) -> dict[str, str]:
    """One solution action as the page shows it: a manifest to load, a command to type, a clock skip."""
    if verb == "apply":
        return {"kind": "manifest", "label": str(params["file"]), "text": lesson.file(str(params["file"]))}
    if verb == "kubectl":
        return {"kind": "command", "label": "kubectl", "text": f"kubectl {params['command']}"}
    if verb == "advance":
        skip = _("Skip the clock ahead %(n)s seconds") % {"n": params["seconds"]}
        return {"kind": "clock", "label": "", "text": skip}
    return {"kind": "action", "label": verb, "text": " ".join(f"{k}={v}" for k, v in params.items())}


def lesson_text() -> dict[str, str]:
    """The step panel's words for its script (scripts have no gettext)."""
    return {"passed": _("Done"), "failing": _("Not yet"), "checking": _("Checking…"),
            "lessonDone": _("Lesson complete! Every step passed."), "loaded": _("Loaded into the editor."),
            "connecting": _("Connecting…"), "reconnecting": _("Reconnecting…"), "open": _("Watching your sandbox")}
