"""Recreate: stop every old pod first, then start the new ones. A short outage, never two versions at once.

Kubernetes' rolloutRecreate: scale all old ReplicaSets to zero; wait until none of their pods
is left running (terminating pods still count); only then create (or reuse) the new
ReplicaSet at full size.
"""

from cluster.controllers.deployment import history
from cluster.controllers.deployment.replicasets import sync_revision
from cluster.controllers.deployment.rollout import Rollout, active, total
from cluster.controllers.deployment.status import deployment_complete, sync_rollout_status
from cluster.objects import Obj, controller_ref, uid_of

FINISHED = ("Succeeded", "Failed")


def rollout_recreate(rollout: Rollout) -> None:
    new, old = sync_revision(rollout, create=False)
    all_rss: list[Obj | None] = [*old, new]
    if scale_down_old(rollout, active(old)) or old_pods_running(rollout, new, old):
        sync_rollout_status(rollout, all_rss, new)
        return
    if new is None:
        new, old = sync_revision(rollout, create=True)
        all_rss = [*old, new]
    if rollout.halted or new is None:
        return
    rollout.scale(new, rollout.replicas, "Recreate: the old pods are gone, starting the new ones")
    if deployment_complete(rollout.deployment, rollout.status):
        history.cleanup(rollout, old)
    sync_rollout_status(rollout, all_rss, new)


def scale_down_old(rollout: Rollout, old: list[Obj]) -> bool:
    scaled = False
    for rs in old:
        scaled = rollout.scale(rs, 0, "Recreate strategy, stopping every old pod first") or scaled
    return scaled


def old_pods_running(rollout: Rollout, new: Obj | None, old: list[Obj]) -> bool:
    """Whether any pod of an old ReplicaSet still exists and has not finished."""
    if total(old, "replicas") > 0:
        return True
    old_uids = {uid_of(rs) for rs in old if new is None or uid_of(rs) != uid_of(new)}
    pods = [obj for uid in old_uids for obj in rollout.state.owned_by(uid) if obj.get("kind") == "Pod"]
    return any(_controlled_by_one_of(pod, old_uids) and (pod.get("status") or {}).get("phase") not in FINISHED
               for pod in pods)


def _controlled_by_one_of(pod: Obj, uids: set[str]) -> bool:
    owner = controller_ref(pod)
    return owner is not None and owner.get("uid") in uids
