"""Job controller: run pods until enough of them succeed, or give up.

### ATTENTION ###
Kubernetes counts a Job's finished pods with a finalizer, `batch.kubernetes.io/job-tracking`,
that every Job pod is created with: a finished pod is added to the Job's counters and its
finalizer removed, so it is counted exactly once even if it is deleted right after. Kubernetes
needs an intermediate list (`status.uncountedTerminatedPods`) because its two writes are not
atomic; the store applies one controller's actions in one transaction, so here the counter and
the finalizer change together and that list always reads `{}`.

For each Job that is not finished, one sync:
1. count its pods: active, ready, terminating, and the newly succeeded and failed ones;
2. decide whether it is finishing: it failed more than `backoffLimit` times, or ran longer
   than `activeDeadlineSeconds`, or a finish was decided earlier;
3. if finishing, delete its active pods; otherwise keep `min(parallelism, remaining
   completions)` pods active: delete the surplus, or create the missing ones unless the
   back-off after a failure is still running (then wake up when it ends); a suspended Job
   keeps none;
4. remove the tracking finalizer from the pods just counted;
5. set the conditions (see `conditions.py`) and write the status if it changed.
Run twice on the same state, the second run returns nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.admission import generated_name
from cluster.controllers import pods as podutil
from cluster.controllers.job import backoff, indexed
from cluster.controllers.job.conditions import Finish, Reason, because, ensure, is_finished, recorded_finish
from cluster.kinds.job import JobCondition
from cluster.objects import (
    Obj,
    Ref,
    controller_ref,
    copy,
    is_controlled_by,
    is_terminating,
    name_of,
    namespace_of,
    parse_time,
    rfc3339,
)
from cluster.state import ClusterState

COMPONENT = "job-controller"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
# At most this many pods created or deleted per sync (Kubernetes' MaxPodCreateDeletePerSync).
BURST = 500


@dataclass
class Sync:
    """One sync's working set: the Job being rewritten, its pods, and what was decided so far."""

    job: Obj
    state: ClusterState
    pods: list[Obj]
    active: list[Obj]
    succeeded: int
    failed: int
    terminating: int
    ready: int
    done_indexes: set[int] = field(default_factory=set)
    finish: Finish | None = None
    # Pods whose finalizer this sync already removes (deleted pods): step 4 leaves them alone.
    released: set[str] = field(default_factory=set)
    actions: list[Action] = field(default_factory=list)

    @property
    def spec(self) -> dict[str, Any]:
        return self.job.get("spec") or {}

    @property
    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = self.job.setdefault("status", {})
        return status


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for job in state.of_kind("Job", "batch"):
        if not is_finished(job):
            actions += sync(job, state)
    return actions + release_orphans(state)


def sync(job: Obj, state: ClusterState) -> list[Action]:
    s = start(job, state)
    s.finish = decide_finish(s)
    if s.finish is not None:
        stop_active(s, count_failed=not s.finish.success)
    else:
        managed = not is_terminating(job)
        if managed:
            manage(s)
        s.finish = success_if_complete(s)
        if managed and s.finish is None:
            suspend_conditions(s)  # only a Job that has not finished can be suspended
    track(s)
    conclude(s)
    return s.actions + status_update(job, s)


# --- 1. counting -----------------------------------------------------------------------------

def start(job: Obj, state: ClusterState) -> Sync:
    job = copy(job)
    pods = [p for p in state.of_kind("Pod", "", namespace_of(job)) if is_controlled_by(p, job)]
    active = [p for p in pods if podutil.is_active(p)]
    status = job.setdefault("status", {})
    tracked = [p for p in pods if is_tracked(p)]
    s = Sync(job, state, pods, active,
             succeeded=int(status.get("succeeded") or 0) + sum(1 for p in tracked if succeeded(p)),
             failed=int(status.get("failed") or 0) + sum(1 for p in tracked if is_failed(p, job)),
             terminating=sum(1 for p in pods if terminating(p)),
             ready=sum(1 for p in active if podutil.is_ready(p)))
    if indexed.is_indexed(job):
        s.done_indexes = indexed.succeeded_indexes(job, pods)
        s.succeeded = len(s.done_indexes)
    status["active"] = len(active)
    if not status.get("startTime") and not suspended(job):
        status["startTime"] = rfc3339(state.now)
    return s


def is_tracked(pod: Obj) -> bool:
    """Still carries the tracking finalizer: not yet counted."""
    return TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or [])


def succeeded(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Succeeded"


def terminating(pod: Obj) -> bool:
    return is_terminating(pod) and (pod.get("status") or {}).get("phase") not in podutil.FINISHED


def is_failed(pod: Obj, job: Obj) -> bool:
    """Failed, or (unless only failed pods are replaced) deleted before it could succeed."""
    if (pod.get("status") or {}).get("phase") == "Failed":
        return True
    only_failed = (job.get("spec") or {}).get("podReplacementPolicy") == "Failed"
    return not only_failed and is_terminating(pod) and not succeeded(pod)


def suspended(job: Obj) -> bool:
    return bool((job.get("spec") or {}).get("suspend"))


# --- 2. finishing ----------------------------------------------------------------------------

def decide_finish(s: Sync) -> Finish | None:
    earlier = recorded_finish(s.job)
    if earlier is not None:
        return earlier
    if s.failed > int(s.spec.get("backoffLimit", 6)) or past_backoff_limit_on_failure(s):
        return because(Reason.BACKOFF_LIMIT_EXCEEDED)
    deadline = active_deadline(s.job)
    if deadline is not None and s.state.now >= deadline:
        return because(Reason.DEADLINE_EXCEEDED)
    if deadline is not None:
        s.actions.append(WakeAt(deadline))
    return None


def active_deadline(job: Obj) -> datetime | None:
    seconds = (job.get("spec") or {}).get("activeDeadlineSeconds")
    started = parse_time((job.get("status") or {}).get("startTime"))
    if seconds is None or started is None or suspended(job):
        return None
    return started + timedelta(seconds=int(seconds))


def past_backoff_limit_on_failure(s: Sync) -> bool:
    """With `restartPolicy: OnFailure` failures are container restarts, not failed pods: count those."""
    template_spec = (s.spec.get("template") or {}).get("spec") or {}
    if template_spec.get("restartPolicy") != "OnFailure":
        return False
    restarts = sum(int(cs.get("restartCount", 0)) for p in s.pods
                   if (p.get("status") or {}).get("phase") in ("Pending", "Running")
                   for cs in [*(p["status"].get("initContainerStatuses") or []),
                              *(p["status"].get("containerStatuses") or [])])
    limit = int(s.spec.get("backoffLimit", 6))
    return restarts > 0 if limit == 0 else restarts >= limit


def success_if_complete(s: Sync) -> Finish | None:
    active = int(s.status.get("active") or 0)
    completions = s.spec.get("completions")
    done = s.succeeded > 0 if completions is None else s.succeeded >= int(completions)
    return because(Reason.COMPLETIONS_REACHED, success=True) if done and active == 0 else None


# --- 3. managing pods ------------------------------------------------------------------------

def stop_active(s: Sync, *, count_failed: bool) -> None:
    """A finishing Job deletes its running pods; on failure each counts as failed."""
    if count_failed:
        s.failed += sum(1 for p in s.active if is_tracked(p))
    delete_pods(s, s.active)
    s.status["active"] = 0


def manage(s: Sync) -> None:
    if suspended(s.job):
        delete_pods(s, s.active)
        s.status["active"] = 0
        return
    want, active = wanted_active(s), len(s.active)
    if active > want:
        delete_pods(s, sorted(s.active, key=podutil.deletion_rank)[:min(active - want, BURST)])
        s.status["active"] = active - min(active - want, BURST)
        return
    replaceable = 0 if s.spec.get("podReplacementPolicy") != "Failed" else s.terminating
    missing = min(want - replaceable - active, BURST)
    s.status["active"] = active + max(create_pods(s, missing), 0)


def wanted_active(s: Sync) -> int:
    parallelism = int(s.spec.get("parallelism", 1))
    completions = s.spec.get("completions")
    if completions is None:
        # A work queue: once one pod succeeded, no new ones; those still running finish their part.
        return len(s.active) if s.succeeded > 0 else parallelism
    return max(min(int(completions) - s.succeeded, parallelism), 0)


def create_pods(s: Sync, count: int) -> int:
    if count <= 0:
        return 0
    retry = backoff.retry_at([p for p in s.pods if succeeded(p)], [p for p in s.pods if is_failed(p, s.job)])
    if retry is not None and retry > s.state.now:
        s.actions.append(WakeAt(retry))
        return 0
    slots: list[int | None] = [None] * count
    if indexed.is_indexed(s.job):
        slots = list(indexed.pending(s.job, s.done_indexes, s.active, count))
    taken: set[str] = set()
    for attempt, index in enumerate(slots):
        pod = new_pod(s, index, attempt, taken)
        s.actions += [Create(pod, narration=f"Job {name_of(s.job)}: {len(s.active) + attempt} of "
                                            f"{len(s.active) + len(slots)} pods active, creating {name_of(pod)}"),
                      Emit(s.job, "SuccessfulCreate", f"Created pod: {name_of(pod)}", COMPONENT)]
    return len(slots)


def new_pod(s: Sync, index: int | None, attempt: int, taken: set[str]) -> Obj:
    template = copy(s.spec.get("template") or {})
    pod = podutil.from_template(s.job, template, "")
    pod["metadata"]["finalizers"] = [*(pod["metadata"].get("finalizers") or []), TRACKING_FINALIZER]
    if index is not None:
        indexed.decorate(pod, s.job, index)
    pod["metadata"]["name"] = free_name(s.state, pod["metadata"]["generateName"], namespace_of(s.job), attempt, taken)
    return pod


def free_name(state: ClusterState, prefix: str, namespace: str, attempt: int, taken: set[str]) -> str:
    """`<prefix><5 chars>`, fresh and deterministic like the ReplicaSet's (see `pods.free_name`)."""
    while True:
        name = generated_name(prefix, f"{prefix}/{state.resource_version}/{attempt}")
        if name not in taken and state.get("Pod", namespace, name) is None:
            taken.add(name)
            return name
        attempt += 1


def delete_pods(s: Sync, pods: list[Obj]) -> None:
    """Release each pod from tracking, then delete it (in that order: the deletion must not be held)."""
    for pod in pods:
        s.actions += [*release(pod), Delete(Ref.to(pod), narration=f"Job {name_of(s.job)}: deleting {name_of(pod)}"),
                      Emit(s.job, "SuccessfulDelete", f"Deleted pod: {name_of(pod)}", COMPONENT)]
        s.released.add(pod["metadata"]["uid"])
        s.ready -= 1 if podutil.is_ready(pod) else 0
        s.terminating += 1


def release(pod: Obj) -> list[Action]:
    if not is_tracked(pod):
        return []
    freed = copy(pod)
    freed["metadata"]["finalizers"] = [f for f in pod["metadata"]["finalizers"] if f != TRACKING_FINALIZER]
    return [Update(freed)]


def suspend_conditions(s: Sync) -> None:
    now = s.state.now
    if suspended(s.job):
        if ensure(s.status, JobCondition.SUSPENDED, True, Reason.SUSPENDED, "Job suspended", now):
            s.actions.append(Emit(s.job, "Suspended", "Job suspended", COMPONENT))
    elif ensure(s.status, JobCondition.SUSPENDED, False, Reason.RESUMED, "Job resumed", now):
        s.actions.append(Emit(s.job, "Resumed", "Job resumed", COMPONENT))
        # activeDeadlineSeconds counts continuous activity: it starts again on resume.
        s.status["startTime"] = rfc3339(now)


# --- 4. tracking -----------------------------------------------------------------------------

def track(s: Sync) -> None:
    """Drop the finalizer of every pod counted in this sync (all of them once the Job ends)."""
    ending = s.finish is not None or is_terminating(s.job)
    for pod in s.pods:
        if pod["metadata"]["uid"] in s.released:
            continue
        if ending or succeeded(pod) or is_failed(pod, s.job):
            s.actions += release(pod)


def release_orphans(state: ClusterState) -> list[Action]:
    """Pods still tracked whose Job is gone or finished: nobody will count them, so let them go."""
    actions: list[Action] = []
    for pod in state.of_kind("Pod"):
        if is_tracked(pod) and orphaned(pod, state):
            actions += release(pod)
    return actions


def orphaned(pod: Obj, state: ClusterState) -> bool:
    ref = controller_ref(pod)
    if ref is None:
        return True
    if ref.get("kind") != "Job" or ref.get("apiVersion") != "batch/v1":
        return False  # someone else's pod: not ours to touch
    job = state.by_uid(str(ref.get("uid")))
    return job is None or is_finished(job)


# --- 5. conditions and status ----------------------------------------------------------------

def conclude(s: Sync) -> None:
    finish, now = s.finish, s.state.now
    if finish is None:
        return
    ensure(s.status, finish.interim, True, finish.reason, finish.message, now)
    if s.terminating > 0:
        return  # the final condition waits until the Job's pods are gone
    if not ensure(s.status, finish.final, True, finish.reason, finish.message, now):
        return
    if finish.success:
        s.status["completionTime"] = rfc3339(now)
        s.actions.append(Emit(s.job, "Completed", "Job completed", COMPONENT))
    else:
        s.actions.append(Emit(s.job, finish.reason, finish.message, COMPONENT, type="Warning"))


def status_update(original: Obj, s: Sync) -> list[Action]:
    status = s.status
    counts = {"active": int(status.get("active") or 0), "succeeded": s.succeeded, "failed": s.failed}
    for key, value in counts.items():
        if value:
            status[key] = value
        else:
            status.pop(key, None)  # Kubernetes omits zero counters
    status.update(ready=max(s.ready, 0), terminating=s.terminating, uncountedTerminatedPods={})
    if indexed.is_indexed(s.job):
        status["completedIndexes"] = indexed.format_intervals(s.done_indexes)
    if status == (original.get("status") or {}):
        return []
    return [Update(s.job)]
