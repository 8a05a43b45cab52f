"""Revisions: how a Deployment remembers its past templates, for `kubectl rollout history` and `undo`.

Each ReplicaSet a Deployment owns is one version of its pod template. The annotation
`deployment.kubernetes.io/revision` numbers them: the current one gets the highest number, and
the Deployment carries the same number. When `rollout undo` brings an old template back, its old
ReplicaSet is reused and renumbered (max + 1), and the numbers it had before are kept in
`deployment.kubernetes.io/revision-history`.

The Deployment's own annotations (`kubernetes.io/change-cause`, for one) are copied onto its
ReplicaSets, except those that describe the Deployment itself (Kubernetes' annotationsToSkip).
`desired-replicas` and `max-replicas` record the size the ReplicaSet was last scaled for, which
tells a rollout from a plain scaling. At most `revisionHistoryLimit` old, empty ReplicaSets stay.
"""

from cluster.objects import Obj, annotations_of, meta, name_of

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
CHANGE_CAUSE = "kubernetes.io/change-cause"
ANNOTATIONS_TO_SKIP = frozenset({LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS,
                                 ROLLBACK_TO})
# How long revision-history may grow (the deployment controller's maxRevHistoryLengthInChars).
MAX_HISTORY_CHARS = 2000


def revision_of(obj: Obj) -> int | None:
    text = annotations_of(obj).get(REVISION, "")
    return int(text) if text.isdigit() else None


def max_revision(replica_sets: list[Obj]) -> int:
    return max((r for r in map(revision_of, replica_sets) if r is not None), default=0)


def writable_annotations(obj: Obj) -> dict[str, str]:
    annotations: dict[str, str] = meta(obj).setdefault("annotations", {})
    return annotations


def copy_annotations(deployment: Obj, rs: Obj) -> bool:
    """Copy the Deployment's annotations onto its ReplicaSet, except the skipped ones."""
    changed = False
    for key, value in annotations_of(deployment).items():
        if key in ANNOTATIONS_TO_SKIP or annotations_of(rs).get(key) == value:
            continue
        writable_annotations(rs)[key] = value
        changed = True
    return changed


def set_new_rs_annotations(deployment: Obj, rs: Obj, new_revision: int, exists: bool, max_replicas: int) -> bool:
    """SetNewReplicaSetAnnotations: copied annotations, the new revision, the revision history."""
    changed = copy_annotations(deployment, rs)
    old_text = annotations_of(rs).get(REVISION, "")
    if old_text and not old_text.isdigit():
        return changed
    old_revision = int(old_text or 0)
    if old_revision < new_revision:
        writable_annotations(rs)[REVISION] = str(new_revision)
        changed = True
        if old_text:
            _remember(rs, old_text)
    desired = int(deployment["spec"].get("replicas", 1))
    if not exists and set_replicas_annotations(rs, desired, max_replicas):
        changed = True
    return changed


def _remember(rs: Obj, old_revision: str) -> None:
    """Append the revision a reused ReplicaSet had, dropping the oldest ones past the length limit."""
    history = [r for r in annotations_of(rs).get(REVISION_HISTORY, "").split(",") if r]
    while history and len(",".join([*history, old_revision])) > MAX_HISTORY_CHARS:
        history.pop(0)
    writable_annotations(rs)[REVISION_HISTORY] = ",".join([*history, old_revision])


def set_replicas_annotations(rs: Obj, desired: int, max_replicas: int) -> bool:
    if not replicas_annotations_need_update(rs, desired, max_replicas):
        return False
    writable_annotations(rs).update({DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(max_replicas)})
    return True


def replicas_annotations_need_update(rs: Obj, desired: int, max_replicas: int) -> bool:
    annotations = annotations_of(rs)
    return annotations.get(DESIRED_REPLICAS) != str(desired) or annotations.get(MAX_REPLICAS) != str(max_replicas)


def desired_replicas(rs: Obj) -> int | None:
    text = annotations_of(rs).get(DESIRED_REPLICAS, "")
    return int(text) if text.isdigit() else None


def max_replicas(rs: Obj) -> int | None:
    text = annotations_of(rs).get(MAX_REPLICAS, "")
    return int(text) if text.isdigit() else None


def set_deployment_revision(deployment: Obj, revision: str) -> bool:
    if annotations_of(deployment).get(REVISION) == revision:
        return False
    writable_annotations(deployment)[REVISION] = revision
    return True


def expendable(old_replica_sets: list[Obj], limit: int) -> list[Obj]:
    """cleanupDeployment: the oldest revisions past `revisionHistoryLimit` that hold no pods any more."""
    alive = [rs for rs in old_replica_sets if not rs["metadata"].get("deletionTimestamp")]
    surplus = len(alive) - limit
    if surplus <= 0:
        return []
    alive.sort(key=lambda rs: (revision_of(rs) or 0, rs["metadata"].get("creationTimestamp", ""), name_of(rs)))
    return [rs for rs in alive[:surplus] if _empty_and_settled(rs)]


def _empty_and_settled(rs: Obj) -> bool:
    status = rs.get("status") or {}
    settled = int(rs["metadata"].get("generation", 1)) <= int(status.get("observedGeneration", 0))
    return int(status.get("replicas", 0)) == 0 and int(rs["spec"].get("replicas", 1)) == 0 and settled
