"""One sync of one Deployment: the objects it read, and the changes it has decided so far.

Kubernetes' deployment controller writes as it goes (scale this ReplicaSet, then that one,
then the status). Ours is pure: a `Rollout` holds private copies of the Deployment and its
ReplicaSets, the sync changes those copies step by step exactly where the upstream code writes,
and `actions()` turns the differences into one write per object at the end. Every scaling is
also an Event on the Deployment (`ScalingReplicaSet`) and a sentence for the activity feed.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers.deployment import revisions, strategy
from cluster.objects import Obj, Ref, copy, name_of
from cluster.state import ClusterState

COMPONENT = "deployment-controller"
SCALING_REPLICA_SET = "ScalingReplicaSet"


def spec_replicas(rs: Obj) -> int:
    return int(rs["spec"].get("replicas", 1))


def status_count(rs: Obj, field: str) -> int:
    return int((rs.get("status") or {}).get(field, 0))


def total(replica_sets: Sequence[Obj | None], field: str = "") -> int:
    """Sum of `spec.replicas` (no field) or of a status counter over some ReplicaSets."""
    return sum(status_count(rs, field) if field else spec_replicas(rs) for rs in replica_sets if rs is not None)


def active(replica_sets: Sequence[Obj | None]) -> list[Obj]:
    """FilterActiveReplicaSets: those asked for at least one pod."""
    return [rs for rs in replica_sets if rs is not None and spec_replicas(rs) > 0]


def created_at(rs: Obj) -> tuple[str, str]:
    """ReplicaSetsByCreationTimestamp's key; one not yet created sorts last."""
    return (str(rs["metadata"].get("creationTimestamp") or "9999"), name_of(rs))


class Rollout:
    def __init__(self, deployment: Obj, replica_sets: list[Obj], state: ClusterState) -> None:
        self.state = state
        self.original = deployment
        self.deployment = copy(deployment)
        self._originals = {name_of(rs): rs for rs in replica_sets}
        self.replica_sets = sorted((copy(rs) for rs in replica_sets), key=created_at)
        self.created: list[Obj] = []
        self.removals: list[Action] = []
        self.events: list[Action] = []
        self.narrations: dict[str, list[str]] = {}
        self.wake: datetime | None = None
        self.halted = False

    @property
    def now(self) -> datetime:
        return self.state.now

    @property
    def name(self) -> str:
        return name_of(self.deployment)

    @property
    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.deployment["spec"]
        return spec

    @property
    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = self.deployment.setdefault("status", {})
        return status

    @property
    def replicas(self) -> int:
        return strategy.replicas(self.deployment)

    def create(self, rs: Obj, story: str) -> None:
        self.created.append(rs)
        self.replica_sets.append(rs)
        self.narrate(rs, story)

    def delete(self, rs: Obj, story: str) -> None:
        self.removals.append(Delete(Ref.to(rs), narration=story))

    def emit(self, reason: str, message: str, type: str = "Normal") -> None:
        self.events.append(Emit(self.deployment, reason, message, COMPONENT, type))

    def narrate(self, rs: Obj, story: str) -> None:
        self.narrations.setdefault(name_of(rs), []).append(story)

    def scale(self, rs: Obj, new_scale: int, why: str) -> bool:
        """scaleReplicaSetAndRecordEvent: resize unless it already has that size."""
        return spec_replicas(rs) != new_scale and self.resize(rs, new_scale, why)

    def resize(self, rs: Obj, new_scale: int, why: str) -> bool:
        """scaleReplicaSet: set the size and the replicas annotations; an Event when the size changed."""
        old_scale = spec_replicas(rs)
        desired = self.replicas
        if old_scale != new_scale or revisions.replicas_annotations_need_update(rs, desired, self.max_replicas):
            rs["spec"]["replicas"] = new_scale
            revisions.set_replicas_annotations(rs, desired, self.max_replicas)
        if old_scale == new_scale:
            return False
        direction = "up" if new_scale > old_scale else "down"
        self.emit(SCALING_REPLICA_SET, f"Scaled {direction} replica set {name_of(rs)} from {old_scale} to {new_scale}")
        self.narrate(rs, f"Deployment {self.name}: {why}, scaling {name_of(rs)} {direction} to {new_scale}")
        return True

    @property
    def max_replicas(self) -> int:
        return self.replicas + strategy.max_surge(self.deployment)

    def wake_at(self, moment: datetime) -> None:
        self.wake = moment if self.wake is None else min(self.wake, moment)

    def actions(self) -> list[Action]:
        actions: list[Action] = [Create(rs, narration=self._story(rs)) for rs in self.created]
        for rs in self.replica_sets:
            original = self._originals.get(name_of(rs))
            if original is not None and rs != original:
                actions.append(Update(rs, narration=self._story(rs)))
        actions += self.removals
        if self.deployment != self.original:
            actions.append(Update(self.deployment))
        actions += self.events
        return actions + ([WakeAt(self.wake)] if self.wake is not None else [])

    def _story(self, rs: Obj) -> str:
        return "; ".join(self.narrations.get(name_of(rs), []))
