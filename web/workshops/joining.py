"""Joining a workshop: a display name becomes a participant with a sandbox of their own.

Joining takes a lock on the workshop row, so a room joining at once gets numbers 1, 2, 3...
without gaps or duplicates and nobody gets past the capacity. The participant is a Django
user with no usable password; the view signs the browser in as them.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from web.workshops import scenes
from web.workshops.codes import normalized
from web.workshops.models import Participant, Workshop


class JoinRefused(Exception):
    """Why a join was refused, in words for the participant."""


def open_workshop(code: str) -> Workshop:
    workshop = Workshop.objects.filter(join_code=normalized(code)).first()
    if workshop is None:
        raise JoinRefused(_("No workshop has this join code."))
    if not workshop.is_open:
        raise JoinRefused(_("This workshop is closed."))
    return workshop


def join(code: str, display_name: str, *, profile: str | None = None, speed: float | None = None) -> Participant:
    """Join the workshop with this code as `display_name`: a new participant and their sandbox."""
    participant = reserve(code, display_name)
    with transaction.atomic():
        participant.sandbox = scenes.build(participant, profile, speed)
        participant.save(update_fields=["sandbox"])
    return participant


def reserve(code: str, display_name: str) -> Participant:
    """A seat and a number, under the workshop's lock; the sandbox is built after, in parallel with others."""
    name = display_name.strip()[:60]
    if not name:
        raise JoinRefused(_("Please give a display name."))
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=open_workshop(code).pk)
        if workshop.participants.count() >= workshop.capacity:
            raise JoinRefused(_("This workshop is full."))
        number = (workshop.participants.aggregate(n=Max("number"))["n"] or 0) + 1
        user = get_user_model().objects.create_user(username=f"participant-{uuid.uuid4().hex[:20]}")
        return Participant.objects.create(workshop=workshop, user=user, display_name=name, number=number)
