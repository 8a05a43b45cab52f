"""Which ReplicaSets belong to a Deployment, which one is "new", and how the new one is made.

A Deployment owns the ReplicaSets whose controller ownerReference names it and whose labels its
selector matches; it adopts a matching orphan and lets go of one that no longer matches, as
the ReplicaSet controller does with pods. Among them, the *new* ReplicaSet is the oldest whose
template equals the Deployment's (ignoring the hash label): after `rollout undo` that is an old
one, reused and renumbered. All the others are *old*. When no ReplicaSet has the template yet,
a rollout creates `<deployment>-<pod-template-hash>` (Kubernetes' getNewReplicaSet).
"""

from cluster import selectors
from cluster.actions import Action
from cluster.controllers import ownership
from cluster.controllers.deployment import conditions, hashing, revisions, strategy
from cluster.controllers.deployment.conditions import ConditionType, Reason
from cluster.controllers.deployment.rollout import Rollout, created_at, spec_replicas, total
from cluster.objects import (
    Obj,
    annotations_of,
    copy,
    labels_of,
    name_of,
    namespace_of,
    owner_reference,
)
from cluster.state import ClusterState


def claim(deployment: Obj, state: ClusterState) -> tuple[list[Obj], list[Action]]:
    """The ReplicaSets the Deployment owns, and the adoptions and releases that make it so."""
    selector = selectors.from_label_selector(deployment["spec"].get("selector"))

    def matches(rs: Obj) -> bool:
        return not selector.empty and selector.matches(labels_of(rs))

    return ownership.claim(deployment, state.of_kind("ReplicaSet", "apps", namespace_of(deployment)), matches,
                           lambda rs: _adoptable(rs, deployment), noun="replica set", own_adopted=False)


def _adoptable(rs: Obj, deployment: Obj) -> bool:
    return not rs["metadata"].get("deletionTimestamp") and not deployment["metadata"].get("deletionTimestamp")


def find_new(deployment: Obj, replica_sets: list[Obj]) -> Obj | None:
    """FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's."""
    template = deployment["spec"].get("template")
    matching = [rs for rs in replica_sets if hashing.equal_ignore_hash(rs["spec"].get("template"), template)]
    return min(matching, key=created_at, default=None)


def sync_revision(rollout: Rollout, create: bool) -> tuple[Obj | None, list[Obj]]:
    """getAllReplicaSetsAndSyncRevision: (new ReplicaSet or None, old ones), revisions brought up to date."""
    new = find_new(rollout.deployment, rollout.replica_sets)
    old = [rs for rs in rollout.replica_sets if rs is not new]
    revision = revisions.max_revision(old) + 1
    if new is not None:
        _sync_existing(rollout, new, revision)
    elif create:
        new = _create_new(rollout, old, revision)
    return new, old


def _sync_existing(rollout: Rollout, rs: Obj, revision: int) -> None:
    revisions.set_new_rs_annotations(rollout.deployment, rs, revision, True, rollout.max_replicas)
    min_ready = rollout.spec.get("minReadySeconds", 0)
    if rs["spec"].get("minReadySeconds", 0) != min_ready:
        rs["spec"]["minReadySeconds"] = min_ready
    revisions.set_deployment_revision(rollout.deployment, annotations_of(rs).get(revisions.REVISION, ""))
    if has_progress_deadline(rollout.deployment) and conditions.get_condition(
            rollout.status, ConditionType.PROGRESSING) is None:
        conditions.set_condition(rollout.status, conditions.new_condition(
            ConditionType.PROGRESSING, "True", Reason.FOUND_NEW_RS, f'Found new replica set "{name_of(rs)}"',
            rollout.now))


def _create_new(rollout: Rollout, old: list[Obj], revision: int) -> Obj | None:
    rs = new_replica_set(rollout.deployment)
    rs["spec"]["replicas"] = new_rs_new_replicas(rollout.deployment, [*old, rs], rs)
    revisions.set_new_rs_annotations(rollout.deployment, rs, revision, False, rollout.max_replicas)
    if rollout.state.get("ReplicaSet", namespace_of(rs), name_of(rs), "apps") is not None:
        _collide(rollout)
        return None
    replicas = spec_replicas(rs)
    rollout.create(rs, f"Deployment {rollout.name}: the pod template changed (revision {revision}), "
                       f"creating replica set {name_of(rs)} with {replicas} replicas")
    if replicas > 0:
        rollout.emit("ScalingReplicaSet", f"Scaled up replica set {name_of(rs)} from 0 to {replicas}")
    revisions.set_deployment_revision(rollout.deployment, str(revision))
    if has_progress_deadline(rollout.deployment):
        conditions.set_condition(rollout.status, conditions.new_condition(
            ConditionType.PROGRESSING, "True", Reason.NEW_RS_CREATED, f'Created new replica set "{name_of(rs)}"',
            rollout.now))
    return rs


def _collide(rollout: Rollout) -> None:
    """The name is taken by a ReplicaSet with another template: count a collision, hash again next time."""
    rollout.status["collisionCount"] = int(rollout.status.get("collisionCount", 0)) + 1
    rollout.halted = True


def new_replica_set(deployment: Obj) -> Obj:
    """`<deployment>-<hash>`: the template and selector with the hash label, owned by the Deployment."""
    spec = deployment["spec"]
    template = copy(spec.get("template") or {})
    pod_hash = hashing.compute_hash(template, (deployment.get("status") or {}).get("collisionCount"))
    labels = {**((template.get("metadata") or {}).get("labels") or {}), hashing.HASH_LABEL: pod_hash}
    template.setdefault("metadata", {})["labels"] = labels
    selector = copy(spec.get("selector") or {})
    selector["matchLabels"] = {**(selector.get("matchLabels") or {}), hashing.HASH_LABEL: pod_hash}
    rs_spec = {"replicas": 0, "minReadySeconds": spec.get("minReadySeconds", 0), "selector": selector,
               "template": template}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"{name_of(deployment)}-{pod_hash}", "namespace": namespace_of(deployment),
                         "labels": dict(labels), "ownerReferences": [owner_reference(deployment)]},
            "spec": rs_spec, "status": {"replicas": 0}}


def new_rs_new_replicas(deployment: Obj, all_replica_sets: list[Obj], new: Obj) -> int:
    """NewRSNewReplicas: how big the new ReplicaSet may be now. Rolling: within the surge; Recreate: all."""
    desired = strategy.replicas(deployment)
    if not strategy.is_rolling_update(deployment):
        return desired
    max_total = desired + strategy.max_surge(deployment)
    current = total(all_replica_sets)
    if current >= max_total:
        return spec_replicas(new)
    return spec_replicas(new) + min(max_total - current, desired - spec_replicas(new))


def has_progress_deadline(deployment: Obj) -> bool:
    """HasProgressDeadline: set, and not the "never" value math.MaxInt32."""
    deadline = deployment["spec"].get("progressDeadlineSeconds")
    return deadline is not None and int(deadline) != 2**31 - 1
