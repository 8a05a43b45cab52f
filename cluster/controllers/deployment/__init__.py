"""Deployment controller: roll a Deployment's pod template out through ReplicaSets it creates and scales.

A Deployment never runs pods itself. For each version of its pod template it owns one
ReplicaSet, `<deployment>-<pod-template-hash>`, and moves replicas from the old ones to the new
one according to its strategy: RollingUpdate (a few at a time, within `maxSurge` and
`maxUnavailable`) or Recreate (all old pods gone first). Old ReplicaSets stay, scaled to
zero, as the revision history that `kubectl rollout undo` goes back to.

For each Deployment, one sync (Kubernetes' syncDeployment):
1. claim its ReplicaSets (adopt matching orphans, release those that stopped matching);
2. a Deployment being deleted only gets its status refreshed;
3. a paused one, or one whose `replicas` alone changed, is scaled, not rolled out;
4. otherwise the strategy takes one step, and the status and conditions are written.
Modules: `hashing` (pod-template-hash), `revisions` (annotations), `replicasets` (new and old),
`rolling`, `recreate`, `scaling`, `status` and `conditions`, `history` (revisionHistoryLimit),
`rollout` (the sync's working copies and the writes they become).
"""

from cluster.actions import Action
from cluster.controllers.deployment import recreate, replicasets, rolling, scaling, status, strategy
from cluster.controllers.deployment.rollout import COMPONENT, Rollout
from cluster.controllers.deployment.strategy import StrategyType
from cluster.objects import Obj
from cluster.state import ClusterState

__all__ = ["COMPONENT", "reconcile", "sync"]


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for deployment in state.of_kind("Deployment", "apps"):
        actions += sync(deployment, state)
    return actions


def sync(deployment: Obj, state: ClusterState) -> list[Action]:
    if not deployment.get("spec", {}).get("selector"):
        return []  # validation forbids it; a Deployment selecting everything would claim every ReplicaSet
    owned, claims = replicasets.claim(deployment, state)
    if claims:
        return claims  # one write per object per sync: the next pass carries on from the claimed set
    rollout = Rollout(deployment, owned, state)
    if deployment["metadata"].get("deletionTimestamp"):
        new, old = replicasets.sync_revision(rollout, create=False)
        status.sync_deployment_status(rollout, [*old, new], new)
    else:
        progress(rollout)
    return rollout.actions()


def progress(rollout: Rollout) -> None:
    status.check_paused_conditions(rollout)
    if rollout.spec.get("paused") or scaling.is_scaling_event(rollout):
        scaling.sync(rollout)
    elif strategy.strategy_type(rollout.deployment) == StrategyType.RECREATE:
        recreate.rollout_recreate(rollout)
    else:
        rolling.rollout_rolling(rollout)
