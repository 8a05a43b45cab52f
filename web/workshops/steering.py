"""Steering the room: what an instructor does to every participant at once.

Each operation goes through the cluster's own domain functions, sandbox by sandbox, and
reports how many sandboxes it reached (a participant may have deleted the Service the load
was meant for; that sandbox is skipped, not the class). Messages to participants' pages go
out over the Channels group `workshop.<id>` after the transaction commits.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from cluster import announce, clock, errors, load, nodes, store
from cluster.models import Sandbox
from cluster.objects import Obj
from web.workshops import scenes
from web.workshops.dashboard import watched_sandboxes
from web.workshops.models import Broadcast, Participant, Workshop

# An image on a registry that does not exist: every pull fails with containerd's "no such host".
BROKEN_REGISTRY = "registry.kubelab.invalid"


class Injection(StrEnum):
    CRASH_NODE = "crash-node"
    RESTART_NODE = "restart-node"
    IMAGE_PULL_FAILURE = "image-pull-failure"
    START_LOAD = "start-load"
    STOP_LOAD = "stop-load"


def group_name(workshop_id: int) -> str:
    return f"workshop.{workshop_id}"


def tell_room(workshop: Workshop, message: dict[str, Any]) -> None:
    """Send `message` to every participant's page (and the dashboard), once the transaction commits."""
    transaction.on_commit(lambda: announce.publish(group_name(workshop.pk),
                                                   {"type": "workshop.message", "message": message}))


def broadcast(workshop: Workshop, text: str) -> Broadcast:
    sent = Broadcast.objects.create(workshop=workshop, text=text[:2000])
    tell_room(workshop, {"type": "broadcast", "text": sent.text, "sentAt": sent.sent_at.isoformat()})
    return sent


def room_sandboxes(workshop: Workshop) -> list[Sandbox]:
    return list(Sandbox.objects.filter(pk__in=watched_sandboxes(workshop)).order_by("pk"))


def each_sandbox(workshop: Workshop, operation: Callable[[Sandbox], Any]) -> int:
    """Run `operation` on every sandbox of the room; the count it succeeded on."""
    done = 0
    for sandbox in room_sandboxes(workshop):
        try:
            operation(sandbox)
            done += 1
        except errors.StatusError:
            continue
    return done


def set_speed(workshop: Workshop, speed: float) -> int:
    """Pause (0) or resume (1) every sandbox clock of the room."""
    reached = each_sandbox(workshop, lambda sandbox: clock.set_speed(sandbox, speed))
    tell_room(workshop, {"type": "clock", "paused": speed == 0})
    return reached


def broken_image(image: str) -> str:
    return f"{BROKEN_REGISTRY}/{image.split('/')[-1]}"


def break_images(sandbox: Sandbox, namespace: str = "default") -> None:
    """Point every Deployment's first container at an image that cannot be pulled: a rollout that goes wrong."""
    kind = store.kind_of({"apiVersion": "apps/v1", "kind": "Deployment"})

    def broken(obj: Obj) -> Obj:
        container = obj["spec"]["template"]["spec"]["containers"][0]
        container["image"] = broken_image(str(container.get("image", "")))
        return obj
    for deployment in store.list_objects(sandbox, kind, namespace)[0]:
        store.patch(sandbox, kind, namespace, deployment["metadata"]["name"], broken)


def inject(workshop: Workshop, what: str, *, node: str = "node-1", service: str = "", namespace: str = "default",
           rps: float = 50.0) -> int:
    """Do the same thing to every sandbox of the room at once; how many it reached."""
    operations: dict[str, Callable[[Sandbox], Any]] = {
        Injection.CRASH_NODE: lambda s: nodes.crash(s, node),
        Injection.RESTART_NODE: lambda s: nodes.restart(s, node),
        Injection.IMAGE_PULL_FAILURE: lambda s: break_images(s, namespace),
        Injection.START_LOAD: lambda s: load.start_load(s, namespace, service, rps),
        Injection.STOP_LOAD: lambda s: load.stop_load(s, namespace, service),
    }
    if what not in operations:
        raise ValueError(f"unknown injection {what!r}")
    return each_sandbox(workshop, operations[what])


def reset(participant: Participant) -> Sandbox:
    return scenes.reset(participant)


def move_to(workshop: Workshop, lesson: str) -> None:
    """Ask every participant's page to open `lesson` (their pages follow; nobody's work is lost)."""
    workshop.current_lesson = lesson
    workshop.save(update_fields=["current_lesson"])
    tell_room(workshop, {"type": "move", "lesson": lesson, "url": f"/learn/{lesson}/"})


def close(workshop: Workshop) -> None:
    """No one joins any more; the participants' pages say so. Their sandboxes stay for the export."""
    workshop.closed_at = timezone.now()
    workshop.save(update_fields=["closed_at"])
    tell_room(workshop, {"type": "closed"})
