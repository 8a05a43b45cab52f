"""Scaling a Deployment: a new `replicas` with the same template is not a rollout.

When only `replicas` changed (the ReplicaSets' `desired-replicas` annotation differs from it),
or while the Deployment is paused, the controller resizes instead of rolling: with one active
ReplicaSet it simply gets the new size; mid-rollout, the pods added or removed are shared
among the active ReplicaSets in proportion to their sizes, so the rollout keeps its shape
(Kubernetes' proportional scaling). A paused Deployment also trims its revision history.
"""

from cluster.controllers.deployment import history, revisions, strategy
from cluster.controllers.deployment.replicasets import sync_revision
from cluster.controllers.deployment.rollout import Rollout, active, created_at, spec_replicas, total
from cluster.controllers.deployment.status import sync_deployment_status
from cluster.objects import Obj


def is_scaling_event(rollout: Rollout) -> bool:
    new, old = sync_revision(rollout, create=False)
    for rs in active([*old, new]):
        desired = revisions.desired_replicas(rs)
        if desired is not None and desired != rollout.replicas:
            return True
    return False


def sync(rollout: Rollout) -> None:
    new, old = sync_revision(rollout, create=False)
    scale(rollout, new, old)
    if rollout.spec.get("paused"):
        history.cleanup(rollout, old)
    sync_deployment_status(rollout, [*old, new], new)


def scale(rollout: Rollout, new: Obj | None, old: list[Obj]) -> None:
    only = active_or_latest(new, old)
    if only is not None:
        rollout.scale(only, rollout.replicas, f"scaled to {rollout.replicas} replicas")
    elif is_saturated(rollout, new):
        for rs in active(old):
            rollout.scale(rs, 0, "the new replica set is complete, scaling old ones to 0")
    elif strategy.is_rolling_update(rollout.deployment):
        scale_proportionally(rollout, active([*old, new]))


def active_or_latest(new: Obj | None, old: list[Obj]) -> Obj | None:
    """FindActiveOrLatest: the only active ReplicaSet, or the newest one if none is active."""
    candidates = active([*old, new])
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        return None
    if new is not None:
        return new
    return max(old, key=created_at, default=None)


def is_saturated(rollout: Rollout, new: Obj | None) -> bool:
    desired = rollout.replicas
    return (new is not None and spec_replicas(new) == desired and revisions.desired_replicas(new) == desired
            and int((new.get("status") or {}).get("availableReplicas", 0)) == desired)


def scale_proportionally(rollout: Rollout, replica_sets: list[Obj]) -> None:
    allowed = rollout.replicas + strategy.max_surge(rollout.deployment) if rollout.replicas > 0 else 0
    to_add = allowed - total(replica_sets)
    # Biggest first; among equals, newer first when growing and older first when shrinking.
    replica_sets = sorted(replica_sets, key=created_at, reverse=to_add > 0)
    replica_sets.sort(key=spec_replicas, reverse=True)
    sizes, added = {}, 0
    for rs in replica_sets:
        share = proportion(rollout, rs, to_add, added) if to_add else 0
        sizes[id(rs)] = spec_replicas(rs) + share
        added += share
    for index, rs in enumerate(replica_sets):
        if index == 0 and to_add:
            sizes[id(rs)] = max(sizes[id(rs)] + to_add - added, 0)
        rollout.resize(rs, sizes[id(rs)], f"scaled to {rollout.replicas} replicas mid-rollout, proportionally")


def proportion(rollout: Rollout, rs: Obj, to_add: int, added: int) -> int:
    """GetProportion: this ReplicaSet's share of the pods to add (or remove), within what is left."""
    if spec_replicas(rs) == 0 or to_add == added:
        return 0
    fraction = _fraction(rollout, rs)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _fraction(rollout: Rollout, rs: Obj) -> int:
    if rollout.replicas == 0:
        return -spec_replicas(rs)
    target = rollout.replicas + strategy.max_surge(rollout.deployment)
    annotated = revisions.max_replicas(rs) or int(rollout.status.get("replicas", 0)) or target
    return _round_half_away(spec_replicas(rs) * target / annotated) - spec_replicas(rs)


def _round_half_away(value: float) -> int:
    """integer.RoundToInt32: halves round away from zero, unlike Python's round()."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)
