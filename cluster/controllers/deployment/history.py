"""Revision history cleanup: keep at most `revisionHistoryLimit` old ReplicaSets for `rollout undo`.

Once a rollout is complete, the oldest revisions past the limit are deleted, but only those
already scaled to zero with no pods left: history never costs a running pod.
"""

from cluster.controllers.deployment import revisions
from cluster.controllers.deployment.rollout import Rollout
from cluster.objects import Obj, name_of


def cleanup(rollout: Rollout, old: list[Obj]) -> None:
    limit = rollout.spec.get("revisionHistoryLimit")
    if limit is None:
        return
    for rs in revisions.expendable(old, int(limit)):
        rollout.delete(rs, f"Deployment {rollout.name}: revisionHistoryLimit is {limit}, "
                           f"deleting old replica set {name_of(rs)} (revision {revisions.revision_of(rs)})")
