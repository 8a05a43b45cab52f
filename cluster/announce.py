"""Telling the rest of the system that a sandbox changed, once the change is committed.

Two listeners care: whoever shows the sandbox (browsers, the instructor dashboard, HTTP
watches), told through the Channels group `sandbox.<id>`, and the reconcile loop, told by
enqueueing a reconcile task. The message is only a hint carrying the newest
resourceVersion; listeners read the changes themselves from the watch log, so a hint that
is lost (the channel layer is at-most-once) costs latency, never data.

Only `cluster.store` calls this, and only from `transaction.on_commit`.
"""

import logging
from collections.abc import Sequence

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def group_name(sandbox_id: int) -> str:
    return f"sandbox.{sandbox_id}"


def changed(sandbox_id: int, resource_version: int, *, reconcile: bool, actor: str = "",
            narrations: Sequence[str] = ()) -> None:
    """`actor` (a controller's name, or "apiserver") and its `narrations` feed the page's activity feed."""
    layer = get_channel_layer()
    if layer is not None:
        try:
            async_to_sync(layer.group_send)(
                group_name(sandbox_id), {"type": "sandbox.changed", "sandbox_id": sandbox_id,
                                         "resource_version": resource_version, "actor": actor,
                                         "narrations": list(narrations)}
            )
        except Exception:  # the push is best-effort: a browser resyncs from the log
            log.warning("could not announce change of sandbox %s", sandbox_id, exc_info=True)
    if reconcile:
        enqueue_reconcile(sandbox_id)


def enqueue_reconcile(sandbox_id: int) -> None:
    from cluster import tasks

    try:
        tasks.reconcile.delay(sandbox_id)
    except Exception:  # the periodic resync picks up dirty sandboxes if the broker is away
        log.warning("could not enqueue reconcile of sandbox %s", sandbox_id, exc_info=True)
