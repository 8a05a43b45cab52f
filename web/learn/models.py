"""A learner's tutorial state: their sandbox per lesson, which steps they passed, what they ran.

A learner is either a signed-in user or, before signing in, an anonymous id kept in their
session (`web.learn.progress`); exactly one of `user` and `anonymous` is set on each row. On
sign-in the anonymous rows move to the user, so no progress is lost.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cluster.models import Sandbox


def _one_learner(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=(Q(user__isnull=True) & ~Q(anonymous="")) |
                                  (Q(user__isnull=False) & Q(anonymous="")), name=name)


class LessonSandbox(models.Model):
    """The sandbox a learner works in for one lesson, and the step they are on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    anonymous = models.CharField(max_length=64, blank=True, default="")
    lesson = models.SlugField(max_length=63)
    sandbox = models.OneToOneField(Sandbox, on_delete=models.CASCADE, related_name="lesson_link")
    # The current step; moved on by a conditional update, so its setup runs exactly once.
    step = models.CharField(max_length=63)
    # Set when the last step passed: the lesson is done in this sandbox, nothing more to check.
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            _one_learner("lesson_sandbox_one_learner"),
            models.UniqueConstraint(fields=["user", "lesson"], condition=Q(user__isnull=False),
                                    name="one_lesson_sandbox_per_user"),
            models.UniqueConstraint(fields=["anonymous", "lesson"], condition=~Q(anonymous=""),
                                    name="one_lesson_sandbox_per_anonymous"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} in {self.sandbox_id}"


class Progress(models.Model):
    """One learner's record of one step: when it first passed, how often it failed and why, last."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    anonymous = models.CharField(max_length=64, blank=True, default="")
    lesson = models.SlugField(max_length=63)
    step = models.CharField(max_length=63)
    passed_at = models.DateTimeField(null=True, blank=True)
    # Failed evaluations that said something new (a changed explanation), not every re-check.
    attempts = models.PositiveIntegerField(default=0)
    last_explanation = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            _one_learner("progress_one_learner"),
            models.UniqueConstraint(fields=["user", "lesson", "step"], condition=Q(user__isnull=False),
                                    name="one_progress_per_user_step"),
            models.UniqueConstraint(fields=["anonymous", "lesson", "step"], condition=~Q(anonymous=""),
                                    name="one_progress_per_anonymous_step"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson}/{self.step}"


class ConsoleRun(models.Model):
    """A console command line a learner ran in a sandbox, for steps about reading output (`console_ran`)."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="console_runs")
    command = models.CharField(max_length=500)
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["sandbox", "ran_at"])]

    def __str__(self) -> str:
        return self.command
