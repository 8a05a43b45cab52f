"""What a live view of a sandbox reads: a snapshot, then the changes since a resourceVersion.

The WebSocket consumer calls these (synchronously, in a worker thread) and sends what
they return. `cluster.snapshot` decides what a view shows and how events apply; this
module only reads the store's tables and builds the messages.
"""

from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cluster import clock, store
from cluster import snapshot as views
from cluster.models import KubeObject, Sandbox
from cluster.objects import parse_time, rfc3339

# More changes than this since the last batch and a fresh snapshot is the smaller message.
MAX_BATCH = 500
# Kubernetes Events a snapshot brings along for the feed (the newest ones).
RECENT_NOTICES = 40
# The browser's extrapolated clock may be this far off (timestamps are whole seconds) before a correction.
DRIFT_SECONDS = 2.0

Message = dict[str, Any]


def clock_message(sandbox: Sandbox) -> Message:
    """The sandbox's simulated time and speed; the browser extrapolates between messages."""
    return {"type": "clock", "time": rfc3339(clock.now(sandbox)), "speed": sandbox.speed}


def snapshot_message(sandbox_id: int) -> Message | None:
    """Every shown object and the resourceVersion they are current at; None if the sandbox is gone."""
    sandbox = Sandbox.objects.filter(pk=sandbox_id).first()
    if sandbox is None:
        return None
    # The counter first, the objects second: an object written in between is then in the
    # snapshot *and* replayed by the next batch, which the apply rules ignore as not newer.
    # The other order could lose it.
    bodies = KubeObject.objects.filter(sandbox=sandbox).exclude(_hidden()).values_list("body", flat=True)
    message = views.snapshot(bodies, sandbox.resource_version).message()
    return {**message, "clock": clock_message(sandbox), "notices": recent_notices(sandbox)}


def changes_message(sandbox_id: int, resource_version: int) -> Message | None:
    """The changes after `resource_version` as one batch, a snapshot when the log cannot give them,
    an empty dict when nothing changed, None when the sandbox is gone."""
    sandbox = Sandbox.objects.filter(pk=sandbox_id).first()
    if sandbox is None:
        return None
    rows = store.events_after(sandbox, resource_version, limit=MAX_BATCH + 1)
    # Checked after reading: a compaction racing the read then errs towards a snapshot.
    if len(rows) > MAX_BATCH or resource_version < store.oldest_watchable(sandbox):
        return snapshot_message(sandbox_id)
    if not rows:
        # An empty log behind the counter was compacted away entirely.
        return snapshot_message(sandbox_id) if resource_version < sandbox.resource_version else {}
    shown = (views.event(row.type, row.object) for row in rows)
    # A batch of hidden changes only (Events, Leases) still moves the view's resourceVersion,
    # as a watch BOOKMARK does, so that `from` always equals the view's last `to`.
    notices = [views.notice(row.object) for row in rows if row.type != "DELETED" and views.is_event(row.object)]
    return {"type": "events", "from": resource_version, "to": rows[-1].resource_version,
            "events": [wire for wire in shown if wire is not None], "clock": clock_message(sandbox),
            "notices": notices}


def recent_notices(sandbox: Sandbox) -> list[Message]:
    """The newest Kubernetes Events, oldest first, as the feed shows them."""
    rows = (KubeObject.objects.filter(sandbox=sandbox, group="", kind="Event")
            .order_by("-resource_version").values_list("body", flat=True)[:RECENT_NOTICES])
    return [views.notice(body) for body in reversed(list(rows))]


def clock_update(sandbox_id: int, sent: Message | None, sent_at: datetime) -> Message | None:
    """A fresh clock message when the one sent at wall time `sent_at` no longer predicts the
    sandbox's time (its speed changed, or someone skipped ahead); an empty dict when it still
    does (nothing to send); None when the sandbox is gone."""
    sandbox = Sandbox.objects.filter(pk=sandbox_id).first()
    if sandbox is None:
        return None
    current = clock_message(sandbox)
    if sent is None or sent["speed"] != current["speed"]:
        return current
    elapsed = (timezone.now() - sent_at).total_seconds() * float(sent["speed"])
    predicted = _seconds(sent["time"]) + elapsed
    return current if abs(clock.now(sandbox).timestamp() - predicted) > DRIFT_SECONDS else {}


def _seconds(text: str) -> float:
    moment = parse_time(text)
    return moment.timestamp() if moment else 0.0


def _hidden() -> Q:
    return reduce(or_, (Q(group=group, kind=kind) for group, kind in views.HIDDEN_KINDS))
