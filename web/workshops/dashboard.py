"""What the instructor dashboard shows: one row per participant, and the class as a whole.

Everything is read in a handful of queries for the whole room (a class is up to a hundred
people, refreshed every few seconds): participants, their lesson sandboxes, their step
records, and the Nodes and Pods of the sandboxes they are in now.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from cluster.models import KubeObject
from web.learn.models import LessonSandbox, Progress
from web.workshops import catalogue
from web.workshops.models import Participant, Workshop
from web.workshops.picture import picture
from web.workshops.stuck import stuck


def explanation_text(explanation: Any, language: str) -> str:
    if not isinstance(explanation, dict):
        return str(explanation or "")
    return str(explanation.get(language) or explanation.get("en") or "")


def current_links(users: Iterable[int]) -> dict[int, LessonSandbox]:
    """Each user's newest lesson sandbox: the lesson they are on now."""
    latest: dict[int, LessonSandbox] = {}
    links = LessonSandbox.objects.filter(user_id__in=list(users)).select_related("sandbox")
    for link in links.order_by("created_at", "pk"):
        latest[int(link.user_id)] = link  # type: ignore[arg-type]
    return latest


def records_by_user(users: Iterable[int]) -> dict[int, dict[tuple[str, str], Progress]]:
    found: dict[int, dict[tuple[str, str], Progress]] = defaultdict(dict)
    for row in Progress.objects.filter(user_id__in=list(users)):
        found[int(row.user_id)][(row.lesson, row.step)] = row  # type: ignore[arg-type]
    return found


def pictures(sandbox_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    nodes: dict[int, list[Any]] = defaultdict(list)
    pods: dict[int, list[Any]] = defaultdict(list)
    rows = KubeObject.objects.filter(sandbox_id__in=list(sandbox_ids), group="", kind__in=("Node", "Pod"))
    for sandbox_id, kind, body in rows.values_list("sandbox_id", "kind", "body"):
        (nodes if kind == "Node" else pods)[sandbox_id].append(body)
    return {pk: picture(nodes[pk], pods[pk]) for pk in set(nodes) | set(pods)}


def step_started(link: LessonSandbox | None, records: dict[tuple[str, str], Progress], joined: datetime) -> datetime:
    """When the participant reached their current step: the latest pass in the lesson, else when it began."""
    if link is None:
        return joined
    passes = [r.passed_at for (lesson, _), r in records.items() if lesson == link.lesson and r.passed_at]
    return max([link.created_at, *passes])


def row(participant: Participant, link: LessonSandbox | None, records: dict[tuple[str, str], Progress],
        pictured: dict[int, dict[str, Any]], language: str, now: datetime) -> dict[str, Any]:
    lesson_id = link.lesson if link is not None else (participant.workshop.lessons or [""])[0]
    step_id = link.step if link is not None else ""
    current = records.get((lesson_id, step_id))
    passed = current is not None and current.passed_at is not None
    seconds = (now - step_started(link, records, participant.joined_at)).total_seconds()
    reason = stuck(seconds, current.attempts if current else 0, passed)
    sandbox_id = link.sandbox_id if link is not None else participant.sandbox_id
    sandbox_name = link.sandbox.name if link is not None else (participant.sandbox.name if participant.sandbox else "")
    return {
        "id": participant.pk, "name": participant.display_name, "number": participant.number,
        "sandbox": sandbox_name, "lesson": lesson_id, "step": step_id,
        "steps": [{"id": s, "passed": bool((r := records.get((lesson_id, s))) and r.passed_at)}
                  for s in catalogue.step_ids(lesson_id)],
        "secondsOnStep": int(seconds), "stuck": str(reason),
        "explanation": explanation_text(current.last_explanation, language) if current and not passed else "",
        "picture": pictured.get(sandbox_id or 0, {"nodes": [], "pods": {}}),
    }


def summary(workshop: Workshop, records: dict[int, dict[tuple[str, str], Progress]], language: str
            ) -> dict[str, Any]:
    """Class-wide: how many finished each step of each lesson, and the most common failing explanation."""
    finished: Counter[tuple[str, str]] = Counter()
    failing: Counter[str] = Counter()
    for mine in records.values():
        for key, record in mine.items():
            if record.passed_at:
                finished[key] += 1
            elif record.last_explanation:
                failing[explanation_text(record.last_explanation, language)] += 1
    steps = [{"lesson": lesson, "step": step, "finished": finished[(lesson, step)]}
             for lesson in workshop.lessons for step in catalogue.step_ids(lesson)]
    common = failing.most_common(1)
    return {"steps": steps, "commonFailure": {"text": common[0][0], "count": common[0][1]} if common else None}


def view(workshop: Workshop, participant_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """The dashboard's data: rows (all participants, or only these) and the class summary."""
    people = list(workshop.participants.select_related("sandbox", "workshop").order_by("number"))
    users = [int(p.user_id) for p in people]  # type: ignore[arg-type]
    links, records = current_links(users), records_by_user(users)
    shown = people if participant_ids is None else [p for p in people if p.pk in set(participant_ids)]
    sandbox_ids = [links[p.user_id].sandbox_id if p.user_id in links else p.sandbox_id for p in shown]
    pictured, now, language = pictures(i for i in sandbox_ids if i), timezone.now(), workshop.language
    return {"rows": [row(p, links.get(int(p.user_id)), records.get(int(p.user_id), {}), pictured, language, now)
                     for p in shown],
            "summary": summary(workshop, records, language)}


def watched_sandboxes(workshop: Workshop) -> dict[int, int]:
    """sandbox id -> participant id, for every sandbox of the room (all their lessons'), to follow their changes."""
    people = dict(workshop.participants.values_list("user_id", "pk"))
    found = {int(s): int(p) for s, p in workshop.participants.exclude(sandbox=None).values_list("sandbox_id", "pk")}
    for sandbox_id, user_id in LessonSandbox.objects.filter(user_id__in=people).values_list("sandbox_id", "user_id"):
        found[int(sandbox_id)] = int(people[user_id])
    return found
