"""The three tables behind every simulated cluster.

A `Sandbox` is one cluster: its resourceVersion counter, its clock and the token that opens
its API. Every Kubernetes object of every kind lives in `KubeObject`, the whole object kept
as JSON, with the fields the store queries on copied into indexed columns. `WatchEvent` is
the append-only log of changes (ADDED, MODIFIED, DELETED) that watches resume from.

Only `cluster/store.py` writes these rows (and `cluster/clock.py` the clock fields).
"""

import secrets

from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Profile(models.TextChoices):
    FAST = "fast", "Fast (no delays; for tests)"
    REALISTIC = "realistic", "Realistic (delays as on a real cluster)"


class Sandbox(models.Model):
    name = models.SlugField(max_length=63, unique=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    profile = models.CharField(max_length=16, choices=Profile.choices, default=Profile.REALISTIC)
    # The resourceVersion of the newest write; bumped inside each write's transaction.
    resource_version = models.BigIntegerField(default=0)
    # Simulated time: `clock` is the sandbox's "now"; a beat tick moves it by wall time x speed.
    clock = models.DateTimeField()
    speed = models.FloatField(default=1.0)
    ticked_at = models.DateTimeField()
    # Counts jumps of the clock (a skip ahead, a change of speed), which a beat tick is not: a
    # reconcile round that overlapped one must not call the sandbox clean.
    jumps = models.BigIntegerField(default=0)
    # Reconcile bookkeeping: a write sets `dirty`; controllers ask to run again at `wake_at`.
    dirty = models.BooleanField(default=True)
    wake_at = models.DateTimeField(null=True, blank=True)
    # One worker at a time reconciles a sandbox: it holds the lease until `lease_until` (wall time).
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dirty"]), models.Index(fields=["wake_at"])]

    def __str__(self) -> str:
        return self.name


class KubeObject(models.Model):
    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="kube_objects")
    group = models.CharField(max_length=253, blank=True, default="")
    version = models.CharField(max_length=32)
    kind = models.CharField(max_length=63)
    namespace = models.CharField(max_length=63, blank=True, default="")
    name = models.CharField(max_length=253)
    uid = models.CharField(max_length=36)
    resource_version = models.BigIntegerField()
    generation = models.BigIntegerField(default=1)
    labels = models.JSONField(default=dict)
    owner_uids = models.JSONField(default=list)
    deletion_timestamp = models.DateTimeField(null=True, blank=True)
    finalizers = models.JSONField(default=list)
    body = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sandbox", "group", "kind", "namespace", "name"], name="one_object_per_name"
            )
        ]
        indexes = [models.Index(fields=["sandbox", "group", "kind", "namespace"]), models.Index(fields=["uid"])]

    def __str__(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


class WatchEvent(models.Model):
    class Type(models.TextChoices):
        ADDED = "ADDED"
        MODIFIED = "MODIFIED"
        DELETED = "DELETED"

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="watch_events")
    resource_version = models.BigIntegerField()
    type = models.CharField(max_length=8, choices=Type.choices)
    group = models.CharField(max_length=253, blank=True, default="")
    kind = models.CharField(max_length=63)
    namespace = models.CharField(max_length=63, blank=True, default="")
    name = models.CharField(max_length=253)
    object = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["sandbox", "resource_version"])]


class LogLine(models.Model):
    """One line a simulated container printed, at a sandbox time. Not a Kubernetes object: no watch events.

    `attempt` is the container's restartCount when it printed the line, so `kubectl logs --previous`
    reads the attempt before the current one.
    """

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="log_lines")
    namespace = models.CharField(max_length=63)
    pod = models.CharField(max_length=253)
    pod_uid = models.CharField(max_length=36)
    container = models.CharField(max_length=63)
    attempt = models.IntegerField(default=0)
    at = models.DateTimeField()
    line = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["sandbox", "pod_uid", "container", "attempt"])]
