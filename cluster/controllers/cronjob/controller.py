"""CronJob controller: create a Job from `jobTemplate` each time the schedule fires.

For each CronJob, one sync (as Kubernetes' cronjob controller v2):
1. look at its Jobs: note in `status.active` the ones running, drop the finished ones
   (`SawCompletedJob`) and the vanished ones (`MissingJob`), and keep `lastSuccessfulTime`;
2. unless it is suspended or being deleted, find the most recent scheduled time not yet
   run (see `schedule.py`) and run it: a Job named `<cronjob>-<minutes since the epoch>`,
   so a time can never run twice. `concurrencyPolicy` decides what happens while an
   earlier Job still runs: Allow runs both, Forbid skips this time (`JobAlreadyActive`),
   Replace deletes the running Job first;
3. delete the oldest finished Jobs beyond `successfulJobsHistoryLimit` and
   `failedJobsHistoryLimit`;
4. write the status if it changed, and ask to wake up at the next scheduled time.

### ATTENTION ###
A new Job's uid is assigned by the store, so the `status.active` entry written with it has
only the Job's name; the next pass (the Job then exists) completes the reference.
Warnings Kubernetes repeats on every sync are said once per scheduled time here (a repeat
would make the controller never settle).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers.cronjob import schedule
from cluster.controllers.job.conditions import is_finished
from cluster.kinds.job import JobCondition, is_true
from cluster.objects import (
    Obj,
    Ref,
    copy,
    is_controlled_by,
    is_terminating,
    name_of,
    namespace_of,
    owner_reference,
    parse_time,
    rfc3339,
    uid_of,
)
from cluster.state import ClusterState

COMPONENT = "cronjob-controller"
SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"


@dataclass
class CronSync:
    cj: Obj  # the working copy, its status rewritten
    state: ClusterState
    jobs: list[Obj]
    actions: list[Action] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)

    @property
    def spec(self) -> dict[str, Any]:
        return self.cj.get("spec") or {}

    @property
    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = self.cj.setdefault("status", {})
        return status

    @property
    def active(self) -> list[dict[str, Any]]:
        active: list[dict[str, Any]] = self.status.setdefault("active", [])
        return active

    def say(self, reason: str, message: str, *, since: datetime, warning: bool = False) -> None:
        """Emit an event unless this CronJob already said exactly this since `since`."""
        key = (uid_of(self.cj), reason, message, COMPONENT)
        said = self.state.similar_event(key)
        if said is not None and (parse_time(said.get("lastTimestamp")) or datetime.min.replace(tzinfo=UTC)) >= since:
            return
        self.actions.append(Emit(self.cj, reason, message, COMPONENT, type="Warning" if warning else "Normal"))


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for cj in state.of_kind("CronJob", "batch"):
        actions += sync(cj, state)
    return actions


def sync(cj: Obj, state: ClusterState) -> list[Action]:
    jobs = sorted((j for j in state.of_kind("Job", "batch", namespace_of(cj)) if is_controlled_by(j, cj)), key=name_of)
    s = CronSync(copy(cj), state, jobs)
    track_jobs(s)
    if not is_terminating(cj):
        run_schedule(s)
        clean_history(s)
    return s.actions + status_update(cj, s)


# --- 1. the CronJob's Jobs -------------------------------------------------------------------

def track_jobs(s: CronSync) -> None:
    for job in s.jobs:
        entry = active_entry(s, job)
        if entry is not None and not entry.get("uid"):
            entry.update(reference(job))  # created in an earlier pass: complete the reference
        if entry is None and not is_finished(job):
            s.say("UnexpectedJob", f"Saw a job that the controller did not create or forgot: {name_of(job)}",
                  since=parse_time(job["metadata"].get("creationTimestamp")) or s.state.now, warning=True)
        elif entry is not None and is_finished(job):
            drop_active(s, job)
            kind = JobCondition.COMPLETE if is_true(job, JobCondition.COMPLETE) else JobCondition.FAILED
            s.actions.append(Emit(s.cj, "SawCompletedJob", f"Saw completed job: {name_of(job)}, condition: {kind}",
                                  COMPONENT))
        note_success(s, job)
    present = {name_of(j) for j in s.jobs}
    for entry in list(s.active):
        if entry.get("name") not in present:
            s.actions.append(Emit(s.cj, "MissingJob", f"Active job went missing: {entry.get('name')}", COMPONENT))
            s.active.remove(entry)


def active_entry(s: CronSync, job: Obj) -> dict[str, Any] | None:
    for entry in s.active:
        if entry.get("uid") == uid_of(job) or (not entry.get("uid") and entry.get("name") == name_of(job)):
            return entry
    return None


def drop_active(s: CronSync, job: Obj) -> None:
    s.status["active"] = [e for e in s.active if e.get("uid") != uid_of(job) and e.get("name") != name_of(job)]


def note_success(s: CronSync, job: Obj) -> None:
    completed = parse_time((job.get("status") or {}).get("completionTime"))
    last = parse_time(s.status.get("lastSuccessfulTime"))
    if is_true(job, JobCondition.COMPLETE) and completed is not None and (last is None or completed > last):
        s.status["lastSuccessfulTime"] = rfc3339(completed)


def reference(job: Obj) -> dict[str, Any]:
    """An ObjectReference to the Job, as `status.active` lists them."""
    meta = job["metadata"]
    return {"apiVersion": "batch/v1", "kind": "Job", "name": meta["name"], "namespace": meta.get("namespace", ""),
            "resourceVersion": meta.get("resourceVersion", ""), "uid": meta.get("uid", "")}


# --- 2. the schedule -------------------------------------------------------------------------

def run_schedule(s: CronSync) -> None:
    if s.spec.get("suspend"):
        return
    now = s.state.now
    try:
        after = schedule.parse(s.cj)
    except (ValueError, KeyError) as error:
        s.say("UnparseableSchedule", f"unparseable schedule: {s.spec.get('schedule')!r} : {error}",
              since=now, warning=True)
        return
    s.actions.append(WakeAt(schedule.next_after(now, after)))
    missed = schedule.most_recent(s.cj, now, after)
    if missed.time is not None and not skipped(s, missed):
        start_job(s, missed.time)


def skipped(s: CronSync, missed: schedule.Missed) -> bool:
    """Whether this scheduled time must not (or need not) run now, saying why where Kubernetes does."""
    at, now = missed.time or s.state.now, s.state.now
    if missed.count > schedule.TOO_MANY_MISSED:
        s.say("TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds "
              "or check clock skew", since=at, warning=True)
    deadline = s.spec.get("startingDeadlineSeconds")
    if deadline is not None and (at - now).total_seconds() + int(deadline) < 0:
        s.say("MissSchedule", f"Missed scheduled time to start a job: {rfc1123z(at)}", since=at, warning=True)
        return True
    if any(e.get("name") == job_name(s.cj, at) for e in s.active) or s.status.get("lastScheduleTime") == rfc3339(at):
        return True  # this time already ran
    if s.spec.get("concurrencyPolicy") == "Forbid" and s.active:
        s.say("JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is "
              "Forbid", since=at)
        return True
    return False


def start_job(s: CronSync, at: datetime) -> None:
    if s.spec.get("concurrencyPolicy") == "Replace":
        for entry in list(s.active):
            job = s.state.get("Job", namespace_of(s.cj), str(entry.get("name")), "batch")
            if job is not None:
                delete_job(s, job)
    name = job_name(s.cj, at)
    existing = s.state.get("Job", namespace_of(s.cj), name, "batch")
    if existing is not None and not is_controlled_by(existing, s.cj):
        return  # someone else's Job has the name: Kubernetes assumes they handle it
    if existing is None:
        job = job_from_template(s.cj, at)
        s.actions += [Create(job, narration=f"CronJob {name_of(s.cj)}: the {rfc3339(at)} run starts as Job {name}"),
                      Emit(s.cj, "SuccessfulCreate", f"Created job {name}", COMPONENT)]
        entry = {k: v for k, v in reference(job).items() if v}  # the uid comes with the next pass
    else:
        entry = reference(existing)
    s.status["active"] = [*s.active, entry]
    s.status["lastScheduleTime"] = rfc3339(at)


def job_name(cj: Obj, at: datetime) -> str:
    """`<cronjob>-<scheduled time in minutes since the epoch>`: one name per scheduled time."""
    return f"{name_of(cj)}-{int(at.timestamp()) // 60}"


def job_from_template(cj: Obj, at: datetime) -> Obj:
    template = copy((cj.get("spec") or {}).get("jobTemplate") or {})
    meta = template.get("metadata") or {}
    scheduled = go_rfc3339(at.astimezone(schedule.zone_of(cj)))
    annotations = {**(meta.get("annotations") or {}), SCHEDULED_TIMESTAMP: scheduled}
    job_meta: dict[str, Any] = {"name": job_name(cj, at), "namespace": namespace_of(cj),
                                "labels": dict(meta.get("labels") or {}), "annotations": annotations,
                                "ownerReferences": [owner_reference(cj)]}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": job_meta, "spec": template.get("spec") or {},
            "status": {}}


def go_rfc3339(moment: datetime) -> str:
    """Go's time.RFC3339 in the moment's own zone: `Z` for UTC, else `+01:00`."""
    text = moment.replace(microsecond=0).isoformat()
    return text.removesuffix("+00:00") + "Z" if moment.utcoffset() == UTC.utcoffset(None) else text


def rfc1123z(moment: datetime) -> str:
    """Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`."""
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


# --- 3. history ------------------------------------------------------------------------------

def clean_history(s: CronSync) -> None:
    for kind, limit_key in ((JobCondition.COMPLETE, "successfulJobsHistoryLimit"),
                            (JobCondition.FAILED, "failedJobsHistoryLimit")):
        limit = s.spec.get(limit_key)
        finished = [j for j in s.jobs if is_true(j, kind) and not is_terminating(j) and name_of(j) not in s.deleted]
        if limit is None or len(finished) <= int(limit):
            continue
        for job in sorted(finished, key=start_order)[:len(finished) - int(limit)]:
            delete_job(s, job)


def start_order(job: Obj) -> tuple[bool, str, str]:
    """Oldest start first; Jobs that never started last; the name breaks ties (Kubernetes' byJobStartTime)."""
    started = (job.get("status") or {}).get("startTime")
    started_at = parse_time(started)
    return (started_at is None, started_at.isoformat() if started_at else "", name_of(job))


def delete_job(s: CronSync, job: Obj) -> None:
    s.deleted.add(name_of(job))
    drop_active(s, job)
    s.actions += [Delete(Ref.to(job), propagation="Background",
                         narration=f"CronJob {name_of(s.cj)}: deleting Job {name_of(job)}"),
                  Emit(s.cj, "SuccessfulDelete", f"Deleted job {name_of(job)}", COMPONENT)]


# --- 4. status -------------------------------------------------------------------------------

def status_update(original: Obj, s: CronSync) -> list[Action]:
    if not s.active:
        s.status.pop("active", None)  # Kubernetes omits an empty list
    if s.status == (original.get("status") or {}):
        return []
    return [Update(s.cj)]
