"""A Deployment's status: counts summed over its ReplicaSets, and the conditions that tell the rollout's story.

`replicas` counts the pods of all its ReplicaSets, `updatedReplicas` those of the new one,
`readyReplicas` and `availableReplicas` the ready and available ones, `unavailableReplicas`
how many are missing from the total asked for. `observedGeneration` says which spec the
controller has acted on: `kubectl rollout status` waits until it catches up with `generation`.

The Progressing condition is refreshed whenever the rollout moves; when it has not moved for
`progressDeadlineSeconds` of sandbox time, it turns False with `ProgressDeadlineExceeded`. The
controller asks to be woken at that deadline, so the verdict comes on time with no new event.
"""

from datetime import timedelta
from typing import Any

from cluster.controllers.deployment import conditions, strategy
from cluster.controllers.deployment.conditions import ConditionType, Reason
from cluster.controllers.deployment.replicasets import has_progress_deadline
from cluster.controllers.deployment.rollout import Rollout, total
from cluster.objects import Obj, name_of, parse_time

COUNTERS = ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas")


def calculate_status(rollout: Rollout, all_rss: list[Obj | None], new: Obj | None) -> dict[str, Any]:
    """calculateStatus: the counters (zeros left out, as the API's omitempty does) and Available."""
    old_status = rollout.status
    available = total(all_rss, "availableReplicas")
    counts = {"replicas": total(all_rss, "replicas"), "updatedReplicas": total([new], "replicas"),
              "readyReplicas": total(all_rss, "readyReplicas"), "availableReplicas": available,
              "unavailableReplicas": max(total(all_rss) - available, 0)}
    status: dict[str, Any] = {"observedGeneration": rollout.deployment["metadata"].get("generation", 1),
                              **{k: v for k, v in counts.items() if v}}
    if "collisionCount" in old_status:
        status["collisionCount"] = old_status["collisionCount"]
    status["conditions"] = [dict(c) for c in old_status.get("conditions") or []]
    if available >= rollout.replicas - strategy.max_unavailable(rollout.deployment):
        cond = (ConditionType.AVAILABLE, "True", Reason.MINIMUM_REPLICAS_AVAILABLE,
                "Deployment has minimum availability.")
    else:
        cond = (ConditionType.AVAILABLE, "False", Reason.MINIMUM_REPLICAS_UNAVAILABLE,
                "Deployment does not have minimum availability.")
    conditions.set_condition(status, conditions.new_condition(*cond, rollout.now))
    return status


def sync_deployment_status(rollout: Rollout, all_rss: list[Obj | None], new: Obj | None) -> None:
    """syncDeploymentStatus: the status of a scaling or paused Deployment; Progressing left as it is."""
    rollout.deployment["status"] = calculate_status(rollout, all_rss, new)


def sync_rollout_status(rollout: Rollout, all_rss: list[Obj | None], new: Obj | None) -> None:
    """syncRolloutStatus: the counters, then whether the rollout completed, progressed or timed out."""
    status = calculate_status(rollout, all_rss, new)
    deployment = rollout.deployment
    if not has_progress_deadline(deployment):
        conditions.remove_condition(status, ConditionType.PROGRESSING)
    current = conditions.get_condition(deployment.get("status") or {}, ConditionType.PROGRESSING)
    complete = status.get("replicas", 0) == status.get("updatedReplicas", 0) and current is not None and \
        current.get("reason") == Reason.NEW_RS_AVAILABLE
    if has_progress_deadline(deployment) and not complete:
        _judge_progress(rollout, status, new, current)
    rollout.deployment["status"] = status
    _requeue_if_stuck(rollout, status)


def _judge_progress(rollout: Rollout, status: dict[str, Any], new: Obj | None, current: dict[str, Any] | None) -> None:
    subject = f'ReplicaSet "{name_of(new)}"' if new is not None else f'Deployment "{rollout.name}"'
    if deployment_complete(rollout.deployment, status):
        conditions.set_condition(status, conditions.new_condition(
            ConditionType.PROGRESSING, "True", Reason.NEW_RS_AVAILABLE, f"{subject} has successfully progressed.",
            rollout.now))
    elif deployment_progressing(rollout.deployment, status):
        progressing = conditions.new_condition(ConditionType.PROGRESSING, "True", Reason.RS_UPDATED,
                                               f"{subject} is progressing.", rollout.now)
        if current is not None:
            if current.get("status") == "True":
                progressing["lastTransitionTime"] = current.get("lastTransitionTime", progressing["lastTransitionTime"])
            conditions.remove_condition(status, ConditionType.PROGRESSING)
        conditions.set_condition(status, progressing)
    elif timed_out(rollout, status):
        conditions.set_condition(status, conditions.new_condition(
            ConditionType.PROGRESSING, "False", Reason.TIMED_OUT, f"{subject} has timed out progressing.",
            rollout.now))


def deployment_complete(deployment: Obj, status: dict[str, Any]) -> bool:
    desired = strategy.replicas(deployment)
    return (status.get("updatedReplicas", 0) == desired and status.get("replicas", 0) == desired
            and status.get("availableReplicas", 0) == desired
            and status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 1))


def deployment_progressing(deployment: Obj, new: dict[str, Any]) -> bool:
    """Any sign of progress since the last status: more updated, fewer old, more ready or available."""
    old = deployment.get("status") or {}

    def count(status: dict[str, Any], key: str) -> int:
        return int(status.get(key, 0))

    return (count(new, "updatedReplicas") > count(old, "updatedReplicas")
            or count(new, "replicas") - count(new, "updatedReplicas") < count(old, "replicas") - count(
                old, "updatedReplicas")
            or count(new, "readyReplicas") > count(old, "readyReplicas")
            or count(new, "availableReplicas") > count(old, "availableReplicas"))


def timed_out(rollout: Rollout, status: dict[str, Any]) -> bool:
    cond = conditions.get_condition(status, ConditionType.PROGRESSING)
    if cond is None or cond.get("reason") == Reason.NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == Reason.TIMED_OUT:
        return True
    deadline = _deadline(rollout.deployment, cond)
    return deadline is not None and deadline < rollout.now


def _deadline(deployment: Obj, cond: dict[str, Any]) -> Any:
    since = parse_time(cond.get("lastUpdateTime"))
    seconds = int(deployment["spec"].get("progressDeadlineSeconds", 600))
    return None if since is None else since + timedelta(seconds=seconds)


def _requeue_if_stuck(rollout: Rollout, status: dict[str, Any]) -> None:
    """requeueStuckDeployment: look again just after the deadline, to declare it exceeded on time."""
    cond = conditions.get_condition(status, ConditionType.PROGRESSING)
    if not has_progress_deadline(rollout.deployment) or cond is None:
        return
    if deployment_complete(rollout.deployment, status) or cond.get("reason") == Reason.TIMED_OUT:
        return
    deadline = _deadline(rollout.deployment, cond)
    if deadline is not None:
        rollout.wake_at(max(deadline, rollout.now) + timedelta(seconds=1))


def check_paused_conditions(rollout: Rollout) -> None:
    """Progressing turns Unknown, DeploymentPaused while paused; DeploymentResumed once resumed."""
    if not has_progress_deadline(rollout.deployment):
        return
    cond = conditions.get_condition(rollout.status, ConditionType.PROGRESSING)
    if cond is not None and cond.get("reason") == Reason.TIMED_OUT:
        return
    paused_shown = cond is not None and cond.get("reason") == Reason.PAUSED
    if rollout.spec.get("paused") and not paused_shown:
        new = conditions.new_condition(ConditionType.PROGRESSING, "Unknown", Reason.PAUSED, "Deployment is paused",
                                       rollout.now)
    elif not rollout.spec.get("paused") and paused_shown:
        new = conditions.new_condition(ConditionType.PROGRESSING, "Unknown", Reason.RESUMED, "Deployment is resumed",
                                       rollout.now)
    else:
        return
    conditions.set_condition(rollout.status, new)
