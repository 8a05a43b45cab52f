"""A participant's sandbox, made from the workshop's starting scene (its first lesson's).

The tutorial engine builds it (`web.learn.scene.start`: the scene's nodes and manifests, the
first step's setup), so names inside are the same for everyone in the room; only the
sandbox's own name is the participant's, `ws<workshop>-p<number>`. A `LessonSandbox` row ties
it to the participant's user, so the lesson page opens this sandbox rather than a new one.
"""

from django.db import transaction

from cluster import sandboxes
from cluster.models import Sandbox
from web.learn import scene
from web.learn.models import LessonSandbox
from web.workshops.catalogue import lesson
from web.workshops.models import Participant, Workshop


def sandbox_name(workshop: Workshop, number: int) -> str:
    return f"ws{workshop.pk}-p{number}"


def build(participant: Participant, profile: str | None = None, speed: float | None = None) -> Sandbox:
    """Create the participant's sandbox from the first lesson's scene and link it to their lesson page."""
    workshop, name = participant.workshop, sandbox_name(participant.workshop, participant.number)
    first = lesson(workshop.lessons[0]) if workshop.lessons else None
    if first is None:  # a workshop without lessons: a bare three-node cluster
        return sandboxes.create(name, profile=profile or "realistic", speed=1.0 if speed is None else speed)
    sandbox = scene.start(first, name, profile=profile, speed=speed)
    LessonSandbox.objects.update_or_create(user=participant.user, lesson=first.id,
                                           defaults={"sandbox": sandbox, "step": first.steps[0].id})
    return sandbox


def reset(participant: Participant, profile: str | None = None, speed: float | None = None) -> Sandbox:
    """Throw the participant's sandbox away and make it again from the scene, under the same name."""
    with transaction.atomic():
        Sandbox.objects.filter(name=sandbox_name(participant.workshop, participant.number)).delete()
        participant.sandbox = build(participant, profile, speed)
        participant.save(update_fields=["sandbox"])
    return participant.sandbox
