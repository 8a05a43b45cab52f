"""The Job controller, pure: builders in, actions out."""

from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action, Create, Delete, Emit, Update, WakeAt
from cluster.controllers import job as job_controller
from cluster.controllers.job import backoff, ttl
from cluster.controllers.job.indexed import COMPLETION_INDEX, format_intervals, parse
from cluster.kinds import job as job_kind
from cluster.objects import Obj, condition, copy, rfc3339
from cluster.state import ClusterState
from tests.builders import T0, new_pod, stamp, state_of

TRACKING = job_controller.TRACKING_FINALIZER


def new_job(name: str = "pi", *, completions: int | None = 1, parallelism: int = 1, **spec: Any) -> Obj:
    """A Job as the API server stores it: defaulted, with its generated selector and labels."""
    job_spec: dict[str, Any] = {"parallelism": parallelism, "template": {"spec": {
        "restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34"}]}}, **spec}
    if completions is not None:
        job_spec["completions"] = completions
    job = stamp({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
                 "spec": job_spec})
    job_kind.default(job)
    return job


def job_pod(job: Obj, name: str, phase: str = "Running", *, finished: datetime | None = None,
            ready: bool = False, tracked: bool = True) -> Obj:
    labels = job["spec"]["template"]["metadata"]["labels"]
    pod = new_pod(name, owner=job, labels=labels, phase=phase, node="node-1", restartPolicy="Never")
    if tracked:
        pod["metadata"]["finalizers"] = [TRACKING]
    if finished is not None:
        code = 0 if phase == "Succeeded" else 1
        pod["status"]["containerStatuses"] = [{"name": "app", "state": {"terminated": {
            "exitCode": code, "finishedAt": rfc3339(finished)}}}]
    if ready:
        pod["status"]["conditions"] = [{"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(T0)}]
    return pod


def run(*objects: Obj, now: datetime = T0) -> list[Action]:
    return job_controller.reconcile(state_of(*objects, now=now))


def of(kind: type, actions: list[Action]) -> list[Any]:
    return [a for a in actions if isinstance(a, kind)]


def job_update(actions: list[Action]) -> Obj:
    [update] = [a.obj for a in of(Update, actions) if a.obj["kind"] == "Job"]
    return update


def create_name(actions: list[Action]) -> str:
    return str(of(Create, actions)[0].obj["metadata"]["name"])


def settled(job: Obj, *pods: Obj, now: datetime = T0) -> Obj:
    """The Job with the status the controller writes for these pods."""
    updates = [a.obj for a in of(Update, run(job, *pods, now=now)) if a.obj["kind"] == "Job"]
    return updates[0] if updates else job


def test_it_does_nothing_while_its_pods_run() -> None:
    job = new_job()
    pod = job_pod(job, "pi-abcde")
    job = settled(job, pod)
    assert run(job, pod) == []


def test_it_creates_a_tracked_pod_from_the_template() -> None:
    job = new_job()
    actions = run(job)
    [create] = of(Create, actions)
    pod = create.obj
    assert pod["metadata"]["name"].startswith("pi-") and len(pod["metadata"]["name"]) == len("pi-") + 5
    assert pod["metadata"]["generateName"] == "pi-"
    assert pod["metadata"]["finalizers"] == [TRACKING]
    assert pod["metadata"]["labels"][job_kind.JOB_NAME] == "pi"
    assert pod["metadata"]["labels"][job_kind.CONTROLLER_UID] == job["metadata"]["uid"]
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "Job"
    [event] = of(Emit, actions)
    assert (event.reason, event.message, event.component) == (
        "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}", "job-controller")
    status = job_update(actions)["status"]
    assert status == {"active": 1, "ready": 0, "terminating": 0, "startTime": rfc3339(T0),
                      "uncountedTerminatedPods": {}}


def test_it_runs_at_most_parallelism_pods() -> None:
    job = new_job(completions=5, parallelism=2)
    assert len(of(Create, run(job))) == 2


def test_it_never_runs_more_pods_than_completions_remain() -> None:
    job = new_job(completions=5, parallelism=2)
    job["status"] = {"succeeded": 4, "startTime": rfc3339(T0)}
    assert len(of(Create, run(job))) == 1


def test_it_deletes_surplus_pods_when_parallelism_drops() -> None:
    job = new_job(completions=5, parallelism=1)
    pods = [job_pod(job, "pi-aaaaa"), job_pod(job, "pi-bbbbb", ready=True)]
    actions = run(job, *pods)
    assert [d.ref.name for d in of(Delete, actions)] == ["pi-aaaaa"]
    # Its finalizer goes first, so the deletion is not held up.
    assert [type(a).__name__ for a in actions[:2]] == ["Update", "Delete"]
    assert job_update(actions)["status"]["active"] == 1


def test_it_counts_a_succeeded_pod_once_and_releases_it() -> None:
    job = new_job(completions=2)
    done = job_pod(job, "pi-aaaaa", "Succeeded", finished=T0)
    actions = run(job, done)
    released = [a.obj for a in of(Update, actions) if a.obj["kind"] == "Pod"]
    assert released[0]["metadata"]["finalizers"] == []
    assert job_update(actions)["status"]["succeeded"] == 1
    assert len(of(Create, actions)) == 1
    # Once released, the pod is not counted again: the status stays as it is.
    untracked = copy(done)
    untracked["metadata"]["finalizers"] = []
    new_pod = job_pod(job, create_name(actions))
    assert run(job_update(actions), untracked, new_pod) == []


def test_it_completes_when_enough_pods_succeeded() -> None:
    job = new_job(completions=1)
    job["status"] = {"startTime": rfc3339(T0), "active": 1}
    later = T0 + timedelta(seconds=30)
    actions = run(job, job_pod(job, "pi-aaaaa", "Succeeded", finished=later), now=later)
    status = job_update(actions)["status"]
    assert [(c["type"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods")]
    assert status["completionTime"] == rfc3339(later)
    assert "active" not in status and status["succeeded"] == 1
    assert [(e.reason, e.message) for e in of(Emit, actions)] == [("Completed", "Job completed")]
    assert job_kind.status_text(job_update(actions)) == "Complete"


def test_it_leaves_a_finished_job_alone() -> None:
    job = new_job()
    job = settled(job, job_pod(job, "pi-aaaaa", "Succeeded", finished=T0))
    assert job_kind.is_true(job, job_kind.JobCondition.COMPLETE)
    assert run(job, job_pod(job, "pi-aaaaa", "Succeeded", finished=T0, tracked=False)) == []


def test_it_waits_ten_seconds_before_replacing_a_failed_pod() -> None:
    job = new_job()
    job["status"] = {"startTime": rfc3339(T0)}
    failed = job_pod(job, "pi-aaaaa", "Failed", finished=T0)
    actions = run(job, failed, now=T0 + timedelta(seconds=3))
    assert of(Create, actions) == []
    assert of(WakeAt, actions) == [WakeAt(T0 + timedelta(seconds=10))]
    assert job_update(actions)["status"]["failed"] == 1
    counted = job_update(actions)
    untracked = job_pod(job, "pi-aaaaa", "Failed", finished=T0, tracked=False)
    assert len(of(Create, run(counted, untracked, now=T0 + timedelta(seconds=10)))) == 1


def test_it_doubles_the_back_off_with_each_failure() -> None:
    job = new_job(backoffLimit=6)
    job["status"] = {"startTime": rfc3339(T0), "failed": 2}
    pods = [job_pod(job, f"pi-f{i}", "Failed", finished=T0 + timedelta(seconds=i), tracked=False) for i in range(2)]
    actions = run(job, *pods, now=T0 + timedelta(seconds=5))
    assert of(WakeAt, actions) == [WakeAt(T0 + timedelta(seconds=1 + 20))]


def test_the_back_off_grows_to_a_cap_and_resets_after_a_success() -> None:
    assert [backoff.delay(n).total_seconds() for n in range(1, 8)] == [10, 20, 40, 80, 160, 320, 600]
    assert backoff.delay(30) == timedelta(minutes=10)
    job = new_job()
    failed = job_pod(job, "pi-f", "Failed", finished=T0)
    success = job_pod(job, "pi-s", "Succeeded", finished=T0 + timedelta(seconds=1))
    assert backoff.retry_at([success], [failed]) is None


def test_it_fails_once_failures_pass_the_backoff_limit() -> None:
    job = new_job(backoffLimit=1)
    job["status"] = {"startTime": rfc3339(T0), "failed": 1}
    actions = run(job, job_pod(job, "pi-bbbbb", "Failed", finished=T0), now=T0 + timedelta(seconds=60))
    status = job_update(actions)["status"]
    assert [(c["type"], c["reason"]) for c in status["conditions"]] == [
        ("FailureTarget", "BackoffLimitExceeded"), ("Failed", "BackoffLimitExceeded")]
    assert status["failed"] == 2 and "completionTime" not in status
    [event] = of(Emit, actions)
    assert (event.type, event.reason, event.message) == (
        "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
    assert of(Create, actions) == []


def test_a_failing_job_stops_its_running_pods_before_it_is_failed() -> None:
    job = new_job(completions=3, parallelism=2, backoffLimit=0)
    job["status"] = {"startTime": rfc3339(T0), "active": 2}
    running = job_pod(job, "pi-run", ready=True)
    actions = run(job, running, job_pod(job, "pi-bad", "Failed", finished=T0))
    assert [d.ref.name for d in of(Delete, actions)] == ["pi-run"]
    status = job_update(actions)["status"]
    assert [c["type"] for c in status["conditions"]] == ["FailureTarget"]
    assert (status["terminating"], status["failed"], status["ready"]) == (1, 2, 0)
    # Once the pod is gone, the Job is Failed.
    assert [c["type"] for c in job_update(run(job_update(actions)))["status"]["conditions"]] == [
        "FailureTarget", "Failed"]


def test_it_fails_a_job_active_longer_than_its_deadline() -> None:
    job = new_job(activeDeadlineSeconds=30)
    job["status"] = {"startTime": rfc3339(T0), "active": 1}
    pod = job_pod(job, "pi-aaaaa")
    assert WakeAt(T0 + timedelta(seconds=30)) in run(job, pod, now=T0 + timedelta(seconds=29))
    actions = run(job, pod, now=T0 + timedelta(seconds=30))
    assert [d.ref.name for d in of(Delete, actions)] == ["pi-aaaaa"]
    target = condition(job_update(actions), "FailureTarget")
    assert target is not None
    assert (target["reason"], target["message"]) == (
        "DeadlineExceeded", "Job was active longer than specified deadline")


def test_a_suspended_job_runs_no_pods_and_says_so() -> None:
    job = new_job(suspend=True)
    pod = job_pod(job, "pi-aaaaa")
    job["status"] = {"startTime": rfc3339(T0), "active": 1}
    actions = run(job, pod)
    assert [d.ref.name for d in of(Delete, actions)] == ["pi-aaaaa"]
    suspended = condition(job_update(actions), "Suspended")
    assert suspended is not None and (suspended["status"], suspended["reason"]) == ("True", "JobSuspended")
    assert ("Suspended", "Job suspended") in [(e.reason, e.message) for e in of(Emit, actions)]


def test_a_job_created_suspended_has_not_started() -> None:
    actions = run(new_job(suspend=True))
    assert of(Create, actions) == []
    assert "startTime" not in job_update(actions)["status"]


def test_a_resumed_job_starts_its_clock_again() -> None:
    job = new_job(suspend=True)
    job = settled(job)
    job["spec"]["suspend"] = False
    later = T0 + timedelta(minutes=5)
    actions = run(job, now=later)
    status = job_update(actions)["status"]
    resumed = condition(job_update(actions), "Suspended")
    assert resumed is not None and (resumed["status"], resumed["reason"]) == ("False", "JobResumed")
    assert status["startTime"] == rfc3339(later)
    assert len(of(Create, actions)) == 1


def test_an_indexed_job_gives_each_pod_an_index() -> None:
    job = new_job(completions=3, parallelism=2, completionMode="Indexed")
    job["status"] = {"startTime": rfc3339(T0), "completedIndexes": "0"}
    pods = [c.obj for c in of(Create, run(job))]
    assert [p["metadata"]["annotations"][COMPLETION_INDEX] for p in pods] == ["1", "2"]
    assert pods[0]["metadata"]["name"].startswith("pi-1-")
    assert pods[0]["spec"]["hostname"] == "pi-1"
    assert pods[0]["spec"]["containers"][0]["env"][0]["name"] == "JOB_COMPLETION_INDEX"


def test_completed_indexes_are_written_as_intervals() -> None:
    assert format_intervals({0, 1, 2, 4, 6, 7}) == "0-2,4,6-7"
    assert parse("0-2,4,6-7") == {0, 1, 2, 4, 6, 7}


def test_it_releases_pods_whose_job_is_gone() -> None:
    gone = new_job()
    pod = job_pod(gone, "pi-aaaaa", "Succeeded", finished=T0)
    [update] = run(pod)
    assert isinstance(update, Update) and update.obj["metadata"]["finalizers"] == []


def finished_job(ttl_seconds: int) -> Obj:
    job = new_job(ttlSecondsAfterFinished=ttl_seconds)
    return settled(job, job_pod(job, "pi-aaaaa", "Succeeded", finished=T0))


def test_it_deletes_a_finished_job_after_its_ttl() -> None:
    job = finished_job(100)
    assert ttl.reconcile(ClusterState([job], now=T0 + timedelta(seconds=99))) == [
        WakeAt(T0 + timedelta(seconds=100))]
    [delete] = ttl.reconcile(ClusterState([job], now=T0 + timedelta(seconds=100)))
    assert isinstance(delete, Delete) and delete.ref.name == "pi" and delete.propagation == "Foreground"


def test_the_ttl_leaves_unfinished_jobs_alone() -> None:
    job = new_job(ttlSecondsAfterFinished=0)
    assert ttl.reconcile(ClusterState([job], now=T0 + timedelta(days=1))) == []
