"""Event expiry: Kubernetes keeps an event for an hour after it last happened, then drops it.

Without this a busy sandbox would drown in events. The clock is the sandbox's.
"""

from datetime import timedelta

from cluster.actions import Action, Remove, WakeAt
from cluster.objects import Ref, parse_time
from cluster.state import ClusterState

TTL = timedelta(hours=1)


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    next_expiry = None
    for event in state.of_kind("Event"):
        last = parse_time(event.get("lastTimestamp") or event["metadata"].get("creationTimestamp"))
        if last is None:
            continue
        if last + TTL <= state.now:
            actions.append(Remove(Ref.to(event)))
        elif next_expiry is None or last + TTL < next_expiry:
            next_expiry = last + TTL
    return actions + ([WakeAt(next_expiry)] if next_expiry else [])
