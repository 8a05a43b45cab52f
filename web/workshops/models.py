"""A workshop: one instructor's class, its participants and what the instructor told the room.

An instructor is a Django user in the "Instructors" group (`manage.py createinstructor`). A
participant joins with the workshop's join code and a display name only: KubeLab makes them a
Django user with no usable password and signs the browser in, so the same browser comes back
to the same sandbox; the `resume_token` link does the same from another browser. Each
participant owns exactly one sandbox, created from the workshop's starting scene.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from cluster.models import Sandbox

INSTRUCTORS = "Instructors"


def new_resume_token() -> str:
    return secrets.token_urlsafe(24)


class Workshop(models.Model):
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=8, default="en")
    # Lesson ids in the order the class takes them (e.g. ["cluster", "pods"]).
    lessons = models.JSONField(default=list)
    capacity = models.PositiveIntegerField(default=100)
    expires_at = models.DateTimeField(null=True, blank=True)
    join_code = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Where the instructor moved the room last ("" until they do).
    current_lesson = models.CharField(max_length=100, blank=True, default="")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        expired = self.expires_at is not None and self.expires_at <= timezone.now()
        return self.closed_at is None and not expired


class Participant(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant")
    display_name = models.CharField(max_length=60)
    # Deterministic per workshop (1, 2, ...): the sandbox's name is derived from it.
    number = models.PositiveIntegerField()
    sandbox = models.OneToOneField(Sandbox, on_delete=models.SET_NULL, null=True, related_name="participant")
    resume_token = models.CharField(max_length=64, unique=True, default=new_resume_token)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workshop", "number"], name="one_number_per_participant")]

    def __str__(self) -> str:
        return self.display_name


class Broadcast(models.Model):
    """A message the instructor sent to every participant's page."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="broadcasts")
    text = models.TextField(max_length=2000)
    sent_at = models.DateTimeField(auto_now_add=True)
