"""Celery entry points. Each is a line or two: parse, call the domain, return."""

from celery import shared_task
from django.conf import settings

from cluster import clock, store
from cluster import reconcile as reconcile_loop
from cluster.models import Sandbox


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reconcile(sandbox_id: int) -> None:
    reconcile_loop.run(sandbox_id)


@shared_task(ignore_result=True)
def tick() -> None:
    """Advance every running sandbox clock; wake the sandboxes whose controllers asked for this time."""
    for sandbox in Sandbox.objects.filter(speed__gt=0):
        if clock.tick(sandbox):
            Sandbox.objects.filter(pk=sandbox.pk).update(dirty=True, wake_at=None)
            reconcile.delay(sandbox.pk)


@shared_task(ignore_result=True)
def resync() -> None:
    """The backstop: re-enqueue dirty sandboxes (say, after a worker died mid-round) and trim watch logs."""
    for sandbox_id in Sandbox.objects.filter(dirty=True).values_list("pk", flat=True):
        reconcile.delay(sandbox_id)
    for sandbox in Sandbox.objects.all().only("pk", "resource_version"):
        store.compact(sandbox, settings.KUBELAB_WATCH_WINDOW)
