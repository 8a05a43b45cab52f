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
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from cluster import publisher

log = logging.getLogger(__name__)


def group_name(sandbox_id: int) -> str:
    return f"sandbox.{sandbox_id}"


def changed(sandbox_id: int, resource_version: int, *, reconcile: bool, actor: str = "",
            narrations: Sequence[str] = ()) -> None:
    """`actor` (a controller's name, or "apiserver") and its `narrations` feed the page's activity feed."""
    message = {"type": "sandbox.changed", "sandbox_id": sandbox_id, "resource_version": resource_version,
               "actor": actor, "narrations": list(narrations)}
    try:
        publish(group_name(sandbox_id), message)
    except Exception:  # the push is best-effort: a browser resyncs from the log
        log.warning("could not announce change of sandbox %s", sandbox_id, exc_info=True)
    if reconcile:
        enqueue_reconcile(sandbox_id)


def publish(group: str, message: dict[str, Any]) -> None:
    """Send to a Channels group from synchronous code.

    The in-memory layer (tests, a bare runserver) lives in the caller's event loop, so it is
    reached through `async_to_sync`; a Redis layer through the process's publisher loop,
    which keeps one connection instead of opening one per message.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group, message)
    else:
        publisher.send(layer.group_send(group, message))


def enqueue_reconcile(sandbox_id: int) -> None:
    from cluster import tasks

    try:
        tasks.reconcile.delay(sandbox_id)
    except Exception:  # the periodic resync picks up dirty sandboxes if the broker is away
        log.warning("could not enqueue reconcile of sandbox %s", sandbox_id, exc_info=True)
