"""Progress as CSV: one line per participant and step, for the instructor's records."""

import csv
import io

from web.learn.models import Progress
from web.workshops.catalogue import step_ids
from web.workshops.dashboard import explanation_text
from web.workshops.models import Workshop

HEADER = ["participant", "number", "lesson", "step", "passed_at", "failed_attempts", "last_explanation"]


def rows(workshop: Workshop) -> list[list[str]]:
    people = {p.user_id: p for p in workshop.participants.all()}
    records = {(r.user_id, r.lesson, r.step): r for r in Progress.objects.filter(user_id__in=people)}
    lines = []
    for participant in sorted(people.values(), key=lambda p: p.number):
        for lesson in workshop.lessons:
            for step in step_ids(lesson):
                record = records.get((participant.user_id, lesson, step))
                lines.append([participant.display_name, str(participant.number), lesson, step,
                              record.passed_at.isoformat() if record and record.passed_at else "",
                              str(record.attempts if record else 0),
                              explanation_text(record.last_explanation, workshop.language) if record else ""])
    return lines


def as_csv(workshop: Workshop) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows(workshop))
    return out.getvalue()
