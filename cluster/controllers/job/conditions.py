"""How a Job says it is finished: its conditions.

A Job ends in one of two ways, each announced in two steps, as Kubernetes does since 1.31:
- success: `SuccessCriteriaMet` as soon as enough pods succeeded, then `Complete` (and
  `completionTime`) once none of its pods is still terminating;
- failure: `FailureTarget` as soon as the back-off limit or the deadline is passed (its
  running pods are then deleted), then `Failed` once they are gone.
A Job with `Complete` or `Failed` true is finished: the controller leaves it alone.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster.kinds.job import JobCondition, is_true
from cluster.objects import Obj, condition, parse_time, rfc3339


class Reason(StrEnum):
    COMPLETIONS_REACHED = "CompletionsReached"
    BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded"
    DEADLINE_EXCEEDED = "DeadlineExceeded"
    SUSPENDED = "JobSuspended"
    RESUMED = "JobResumed"


MESSAGES = {
    Reason.COMPLETIONS_REACHED: "Reached expected number of succeeded pods",
    Reason.BACKOFF_LIMIT_EXCEEDED: "Job has reached the specified backoff limit",
    Reason.DEADLINE_EXCEEDED: "Job was active longer than specified deadline",
    Reason.SUSPENDED: "Job suspended",
    Reason.RESUMED: "Job resumed",
}
SUCCESS_CRITERIA_MET = "SuccessCriteriaMet"


@dataclass(frozen=True)
class Finish:
    """Where a Job is heading: success or failure, and why."""

    success: bool
    reason: str
    message: str

    @property
    def interim(self) -> str:
        return SUCCESS_CRITERIA_MET if self.success else JobCondition.FAILURE_TARGET.value

    @property
    def final(self) -> str:
        return JobCondition.COMPLETE.value if self.success else JobCondition.FAILED.value


def because(reason: Reason, *, success: bool = False) -> Finish:
    return Finish(success, reason.value, MESSAGES[reason])


def is_finished(job: Obj) -> bool:
    return is_true(job, JobCondition.COMPLETE) or is_true(job, JobCondition.FAILED)


def recorded_finish(job: Obj) -> Finish | None:
    """A finish decided in an earlier sync (its interim condition is set), still to be completed."""
    for kind, success in ((SUCCESS_CRITERIA_MET, True), (JobCondition.FAILURE_TARGET.value, False)):
        found = condition(job, kind)
        if found is not None and found.get("status") == "True":
            return Finish(success, str(found.get("reason", "")), str(found.get("message", "")))
    return None


def new_condition(kind: str, status: bool, reason: str, message: str, now: datetime) -> dict[str, Any]:
    moment = rfc3339(now)
    return {"type": kind, "status": "True" if status else "False", "lastProbeTime": moment,
            "lastTransitionTime": moment, "reason": reason, "message": message}


def ensure(status: dict[str, Any], kind: str, value: bool, reason: str, message: str, now: datetime) -> bool:
    """Kubernetes' ensureJobConditionStatus: set the condition if it differs; never add one that is False.
    Returns whether anything changed."""
    conditions = status.get("conditions") or []
    for i, old in enumerate(conditions):
        if old.get("type") == kind:
            if (old.get("status") == "True") == value and old.get("reason") == reason and old.get("message") == message:
                return False
            conditions[i] = new_condition(kind, value, reason, message, now)
            return True
    if not value:
        return False
    status["conditions"] = [*conditions, new_condition(kind, value, reason, message, now)]
    return True


def finished_at(job: Obj) -> datetime | None:
    """When the Job got its Complete or Failed condition: what ttlSecondsAfterFinished counts from."""
    for kind in (JobCondition.COMPLETE, JobCondition.FAILED):
        found = condition(job, kind.value)
        if found is not None and found.get("status") == "True":
            return parse_time(found.get("lastTransitionTime"))
    return None
