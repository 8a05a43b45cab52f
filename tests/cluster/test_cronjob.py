"""The CronJob controller, pure: builders in, actions out."""

from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers import cronjob
from cluster.controllers.cronjob import schedule
from cluster.kinds import cronjob as cronjob_kind
from cluster.objects import Obj, owner_reference, rfc3339
from tests.builders import T0, stamp, state_of

MINUTE = timedelta(minutes=1)


def new_cronjob(name: str = "hello", schedule_text: str = "*/5 * * * *", *, created: datetime = T0,
                **spec: Any) -> Obj:
    cj = stamp({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": "default"},
                "spec": {"schedule": schedule_text, "jobTemplate": {"metadata": {"labels": {"app": name}}, "spec": {
                    "template": {"spec": {"restartPolicy": "OnFailure",
                                          "containers": [{"name": "hello", "image": "busybox"}]}}}}, **spec}},
               created=created)
    cronjob_kind.default(cj)
    return cj


def child(cj: Obj, at: datetime, *, finished: str = "", started: datetime | None = None) -> Obj:
    """A Job this CronJob made for the scheduled time `at`, optionally Complete or Failed."""
    job = stamp({"apiVersion": "batch/v1", "kind": "Job", "metadata": {
        "name": cronjob.controller.job_name(cj, at), "namespace": "default",
        "ownerReferences": [owner_reference(cj)]}, "spec": {}, "status": {"startTime": rfc3339(started or at)}},
        created=at)
    if finished:
        job["status"]["conditions"] = [{"type": finished, "status": "True", "lastTransitionTime": rfc3339(at)}]
        if finished == "Complete":
            job["status"]["completionTime"] = rfc3339(at + MINUTE)
    return job


def with_active(cj: Obj, *jobs: Obj, last: datetime | None = None) -> Obj:
    cj["status"] = {"active": [cronjob.controller.reference(j) for j in jobs]}
    if last is not None:
        cj["status"]["lastScheduleTime"] = rfc3339(last)
    return cj


def run(*objects: Obj, now: datetime) -> list[Action]:
    return cronjob.reconcile(state_of(*objects, now=now))


def of(kind: type, actions: list[Action]) -> list[Any]:
    return [a for a in actions if isinstance(a, kind)]


def events(actions: list[Action]) -> list[tuple[str, str]]:
    return [(e.reason, e.message) for e in of(Emit, actions)]


def test_it_only_waits_for_the_next_time_between_runs() -> None:
    assert run(new_cronjob(), now=T0 + MINUTE) == [WakeAt(T0 + 5 * MINUTE)]


def test_it_creates_a_job_at_the_scheduled_time() -> None:
    cj = new_cronjob()
    actions = run(cj, now=T0 + 5 * MINUTE)
    [create] = of(Create, actions)
    job = create.obj
    minutes = int((T0 + 5 * MINUTE).timestamp()) // 60
    assert job["metadata"]["name"] == f"hello-{minutes}"
    assert job["metadata"]["annotations"] == {cronjob.SCHEDULED_TIMESTAMP: "2026-01-01T00:05:00Z"}
    assert job["metadata"]["labels"] == {"app": "hello"}
    assert job["metadata"]["ownerReferences"][0]["uid"] == cj["metadata"]["uid"]
    assert job["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox"
    assert events(actions) == [("SuccessfulCreate", f"Created job hello-{minutes}")]
    [update] = of(Update, actions)
    assert update.obj["status"] == {"lastScheduleTime": "2026-01-01T00:05:00Z", "active": [
        {"apiVersion": "batch/v1", "kind": "Job", "name": f"hello-{minutes}", "namespace": "default"}]}
    assert WakeAt(T0 + 10 * MINUTE) in actions


def test_it_completes_the_active_reference_once_the_job_exists() -> None:
    cj = new_cronjob()
    at = T0 + 5 * MINUTE
    cj["status"] = {"lastScheduleTime": rfc3339(at), "active": [
        {"apiVersion": "batch/v1", "kind": "Job", "name": cronjob.controller.job_name(cj, at), "namespace": "default"}]}
    job = child(cj, at)
    [update] = of(Update, run(cj, job, now=at))
    assert update.obj["status"]["active"][0]["uid"] == job["metadata"]["uid"]
    assert run(update.obj, job, now=at) == [WakeAt(T0 + 10 * MINUTE)]


def test_a_late_controller_runs_only_the_most_recent_missed_time() -> None:
    actions = run(new_cronjob(), now=T0 + 17 * MINUTE)
    [create] = of(Create, actions)
    assert create.obj["metadata"]["annotations"][cronjob.SCHEDULED_TIMESTAMP] == "2026-01-01T00:15:00Z"


def test_forbid_skips_a_run_while_one_is_active() -> None:
    cj = new_cronjob(concurrencyPolicy="Forbid")
    running = child(cj, T0 + 5 * MINUTE)
    cj = with_active(cj, running, last=T0 + 5 * MINUTE)
    actions = run(cj, running, now=T0 + 10 * MINUTE)
    assert of(Create, actions) == []
    assert events(actions) == [("JobAlreadyActive", "Not starting job because prior execution is running and "
                                                    "concurrency policy is Forbid")]
    assert WakeAt(T0 + 15 * MINUTE) in actions


def test_forbid_says_so_once_per_skipped_time() -> None:
    cj = new_cronjob(concurrencyPolicy="Forbid")
    running = child(cj, T0 + 5 * MINUTE)
    cj = with_active(cj, running, last=T0 + 5 * MINUTE)
    said = stamp({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "default"},
                  "involvedObject": {"uid": cj["metadata"]["uid"]}, "reason": "JobAlreadyActive",
                  "message": "Not starting job because prior execution is running and concurrency policy is Forbid",
                  "source": {"component": "cronjob-controller"}, "lastTimestamp": rfc3339(T0 + 10 * MINUTE)})
    assert run(cj, running, said, now=T0 + 11 * MINUTE) == [WakeAt(T0 + 15 * MINUTE)]


def test_allow_runs_alongside_an_active_job() -> None:
    cj = new_cronjob()
    running = child(cj, T0 + 5 * MINUTE)
    cj = with_active(cj, running, last=T0 + 5 * MINUTE)
    actions = run(cj, running, now=T0 + 10 * MINUTE)
    assert len(of(Create, actions)) == 1
    assert len(of(Update, actions)[0].obj["status"]["active"]) == 2


def test_replace_deletes_the_active_job_first() -> None:
    cj = new_cronjob(concurrencyPolicy="Replace")
    running = child(cj, T0 + 5 * MINUTE)
    cj = with_active(cj, running, last=T0 + 5 * MINUTE)
    actions = run(cj, running, now=T0 + 10 * MINUTE)
    [delete] = of(Delete, actions)
    assert delete.ref.name == running["metadata"]["name"] and delete.propagation == "Background"
    assert actions.index(delete) < actions.index(of(Create, actions)[0])
    assert events(actions)[0] == ("SuccessfulDelete", f"Deleted job {running['metadata']['name']}")
    assert [e["name"] for e in of(Update, actions)[0].obj["status"]["active"]] == [
        cronjob.controller.job_name(cj, T0 + 10 * MINUTE)]


def test_a_suspended_cronjob_creates_nothing() -> None:
    assert run(new_cronjob(suspend=True), now=T0 + 5 * MINUTE) == []


def test_a_run_past_its_starting_deadline_is_skipped() -> None:
    cj = new_cronjob(startingDeadlineSeconds=60)
    actions = run(cj, now=T0 + 7 * MINUTE)
    assert of(Create, actions) == []
    assert actions == [WakeAt(T0 + 10 * MINUTE)]


def test_a_late_run_within_its_starting_deadline_starts() -> None:
    cj = new_cronjob(startingDeadlineSeconds=300)
    assert len(of(Create, run(cj, now=T0 + 7 * MINUTE))) == 1


def test_the_schedule_is_read_in_the_time_zone() -> None:
    berlin = new_cronjob(schedule_text="0 9 * * *", timeZone="Europe/Berlin")
    actions = run(berlin, now=datetime.fromisoformat("2026-01-01T08:00:00+00:00"))
    [create] = of(Create, actions)
    assert create.obj["metadata"]["annotations"][cronjob.SCHEDULED_TIMESTAMP] == "2026-01-01T09:00:00+01:00"
    utc = new_cronjob(schedule_text="0 9 * * *")
    assert of(Create, run(utc, now=datetime.fromisoformat("2026-01-01T08:00:00+00:00"))) == []


def test_it_notices_a_finished_job() -> None:
    cj = new_cronjob()
    done = child(cj, T0 + 5 * MINUTE, finished="Complete")
    cj = with_active(cj, done, last=T0 + 5 * MINUTE)
    actions = run(cj, done, now=T0 + 7 * MINUTE)
    assert events(actions) == [("SawCompletedJob", f"Saw completed job: {done['metadata']['name']}, "
                                                   "condition: Complete")]
    status = of(Update, actions)[0].obj["status"]
    assert "active" not in status
    assert status["lastSuccessfulTime"] == rfc3339(T0 + 6 * MINUTE)


def test_it_forgets_an_active_job_that_vanished() -> None:
    cj = new_cronjob()
    gone = child(cj, T0 + 5 * MINUTE)
    cj = with_active(cj, gone, last=T0 + 5 * MINUTE)
    actions = run(cj, now=T0 + 6 * MINUTE)
    assert events(actions) == [("MissingJob", f"Active job went missing: {gone['metadata']['name']}")]


def test_it_keeps_only_the_newest_finished_jobs() -> None:
    cj = new_cronjob(successfulJobsHistoryLimit=2, failedJobsHistoryLimit=1)
    done = [child(cj, T0 + i * 5 * MINUTE, finished="Complete") for i in range(1, 5)]
    failed = [child(cj, T0 + i * 5 * MINUTE, finished="Failed") for i in range(5, 7)]
    cj["status"] = {"lastScheduleTime": rfc3339(T0 + 30 * MINUTE)}
    actions = run(cj, *done, *failed, now=T0 + 31 * MINUTE)
    names = [d.ref.name for d in of(Delete, actions)]
    assert names == [done[0]["metadata"]["name"], done[1]["metadata"]["name"], failed[0]["metadata"]["name"]]
    assert [r for r, _ in events(actions)] == ["SuccessfulDelete"] * 3


def test_it_warns_when_too_many_times_were_missed() -> None:
    cj = new_cronjob(created=T0 - timedelta(days=1))
    actions = run(cj, now=T0)
    assert ("TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or "
                                  "check clock skew") in events(actions)
    [create] = of(Create, actions)
    assert create.obj["metadata"]["annotations"][cronjob.SCHEDULED_TIMESTAMP] == "2026-01-01T00:00:00Z"


def test_every_schedules_fire_at_fixed_intervals() -> None:
    cj = new_cronjob(schedule_text="@every 1h30m")
    after = schedule.parse(cj)
    assert after(T0) == T0 + timedelta(minutes=90)
    assert schedule.most_recent(cj, T0 + timedelta(hours=4), after).time == T0 + timedelta(hours=3)


def test_most_recent_finds_the_last_firing_after_a_long_gap() -> None:
    cj = new_cronjob(schedule_text="0 * * * *")
    missed = schedule.most_recent(cj, T0 + timedelta(hours=500, minutes=7), schedule.parse(cj))
    assert missed.time == T0 + timedelta(hours=500)
    assert missed.count == 500
