"""RollingUpdate: replace the pods a few at a time, never below `replicas - maxUnavailable` available
and never above `replicas + maxSurge` in all.

Each sync does one of three things, as Kubernetes' rolloutRolling does:
1. scale the new ReplicaSet up, as far as the surge allows;
2. otherwise scale old ReplicaSets down, first their unhealthy pods (cleanupUnhealthyReplicas),
   then as many available ones as keep enough pods available (scaleDownOldReplicaSetsForRollingUpdate);
3. otherwise, if the rollout is complete, trim the revision history.
Then it writes the status. With 3 replicas, maxSurge 1 and maxUnavailable 0 the (old, new) sizes go
(3,0) (3,1) (2,1) (2,2) (1,2) (1,3) (0,3): each scale-down waits for a new pod to become available.
"""

from cluster.controllers.deployment import history, strategy
from cluster.controllers.deployment.replicasets import new_rs_new_replicas, sync_revision
from cluster.controllers.deployment.rollout import Rollout, active, created_at, spec_replicas, status_count, total
from cluster.controllers.deployment.status import deployment_complete, sync_rollout_status
from cluster.objects import Obj


def rollout_rolling(rollout: Rollout) -> None:
    new, old = sync_revision(rollout, create=True)
    if rollout.halted:
        return
    all_rss: list[Obj | None] = [*old, new]
    if not reconcile_new(rollout, all_rss, new) and not reconcile_old(rollout, all_rss, active(old), new):
        if deployment_complete(rollout.deployment, rollout.status):
            history.cleanup(rollout, old)
    sync_rollout_status(rollout, all_rss, new)


def reconcile_new(rollout: Rollout, all_rss: list[Obj | None], new: Obj | None) -> bool:
    if new is None or spec_replicas(new) == rollout.replicas:
        return False
    if spec_replicas(new) > rollout.replicas:
        return rollout.scale(new, rollout.replicas, "rolling update, the new replica set is too big")
    target = new_rs_new_replicas(rollout.deployment, [rs for rs in all_rss if rs is not None], new)
    return rollout.scale(new, target, f"rolling update ({strategy.surge_words(rollout.deployment)})")


def reconcile_old(rollout: Rollout, all_rss: list[Obj | None], old: list[Obj], new: Obj | None) -> bool:
    if total(old) == 0 or new is None:
        return False
    min_available = rollout.replicas - strategy.max_unavailable(rollout.deployment)
    new_unavailable = spec_replicas(new) - status_count(new, "availableReplicas")
    max_scaled_down = total(all_rss) - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    cleaned = cleanup_unhealthy(rollout, old, max_scaled_down)
    scaled = scale_down_old(rollout, [*old, new], old, min_available)
    return cleaned + scaled > 0


def cleanup_unhealthy(rollout: Rollout, old: list[Obj], max_cleanup: int) -> int:
    """Scale old ReplicaSets down by their pods that are not available: removing those costs nothing."""
    cleaned = 0
    for rs in sorted(old, key=created_at):
        unhealthy = spec_replicas(rs) - status_count(rs, "availableReplicas")
        if cleaned >= max_cleanup:
            break
        if spec_replicas(rs) == 0 or unhealthy <= 0:
            continue
        count = min(max_cleanup - cleaned, unhealthy)
        rollout.scale(rs, spec_replicas(rs) - count, "rolling update, removing old pods that are not available")
        cleaned += count
    return cleaned


def scale_down_old(rollout: Rollout, all_rss: list[Obj], old: list[Obj], min_available: int) -> int:
    """Scale old ReplicaSets down, oldest first, by as many pods as are available beyond the minimum."""
    available = total(all_rss, "availableReplicas")
    if available <= min_available:
        return 0
    budget, scaled = available - min_available, 0
    for rs in sorted(old, key=created_at):
        if scaled >= budget:
            break
        if spec_replicas(rs) == 0:
            continue
        count = min(spec_replicas(rs), budget - scaled)
        rollout.scale(rs, spec_replicas(rs) - count,
                      f"rolling update, {available} pods available and {min_available} needed "
                      f"({strategy.surge_words(rollout.deployment)})")
        scaled += count
    return scaled
