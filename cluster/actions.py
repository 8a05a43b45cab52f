"""What controllers, the scheduler and the kubelet ask the store to do.

They never write; they return a list of these actions and the reconcile loop hands them
to `cluster.store.apply`. Each action may carry a `narration`: a plain sentence about the
decision ("ReplicaSet web-7d9c: 2 of 3 pods exist, creating 1") for the activity feed.
"""

from dataclasses import dataclass
from datetime import datetime

from cluster.objects import Obj, Ref


@dataclass(frozen=True)
class Create:
    obj: Obj
    narration: str = ""


@dataclass(frozen=True)
class Update:
    """Replace an object with this new version. Its resourceVersion must still be current."""

    obj: Obj
    narration: str = ""


@dataclass(frozen=True)
class Delete:
    """Ask for deletion, as `kubectl delete` does: graceful for pods, cascading by propagation."""

    ref: Ref
    propagation: str = "Background"
    grace_seconds: int | None = None
    narration: str = ""


@dataclass(frozen=True)
class Remove:
    """Take the object out of the store for good (its grace period ended, its finalizers are gone)."""

    ref: Ref
    narration: str = ""


@dataclass(frozen=True)
class Emit:
    """Record a Kubernetes Event about `involved`; repeats are folded into a count."""

    involved: Obj
    reason: str
    message: str
    component: str
    type: str = "Normal"
    host: str = ""
    # The part of the object it is about, e.g. `spec.containers{nginx}` (kubectl's SUBOBJECT).
    field_path: str = ""


@dataclass(frozen=True)
class AppendLog:
    """Lines a container printed: (sandbox time, text) pairs, for `kubectl logs`."""

    pod: Obj
    container: str
    attempt: int
    lines: tuple[tuple[datetime, str], ...]


@dataclass(frozen=True)
class WakeAt:
    """Run the controllers again when the sandbox clock reaches `at` (a requeue-after)."""

    at: datetime


Action = Create | Update | Delete | Remove | Emit | AppendLog | WakeAt
