"""CronJobs through the real store and reconcile loop, on the sandbox clock."""

from datetime import datetime, timedelta
from typing import Any

from cluster import clock, reconcile, store
from cluster.controllers import cronjob
from cluster.models import KubeObject, Sandbox
from cluster.objects import rfc3339

FIVE_MINUTES = timedelta(minutes=5)


def cronjob_manifest(policy: str = "Allow") -> dict[str, Any]:
    container = {"name": "hello", "image": "busybox:1.36", "command": ["sleep", "3600"]}
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"},
            "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": policy, "jobTemplate": {"spec": {
                "template": {"spec": {"restartPolicy": "Never", "containers": [container]}}}}}}


def bodies(sandbox: Sandbox, kind: str, group: str = "") -> list[dict[str, Any]]:
    rows = KubeObject.objects.filter(sandbox=sandbox, kind=kind, group=group).order_by("name")
    return list(rows.values_list("body", flat=True))


def jobs(sandbox: Sandbox) -> list[dict[str, Any]]:
    return bodies(sandbox, "Job", "batch")


def next_five_minutes(moment: datetime) -> datetime:
    floor = moment.replace(second=0, microsecond=0) - timedelta(minutes=moment.minute % 5)
    return floor + FIVE_MINUTES


def advance_to(sandbox: Sandbox, moment: datetime) -> None:
    clock.advance(sandbox, (moment - clock.now(sandbox)).total_seconds())
    assert clock.now(sandbox) == moment
    reconcile.run(sandbox.pk)


def start(sandbox: Sandbox, policy: str = "Allow") -> datetime:
    reconcile.run(sandbox.pk)
    store.create(sandbox, cronjob_manifest(policy), namespace="default")
    reconcile.run(sandbox.pk)
    return next_five_minutes(clock.now(sandbox))


def test_it_creates_jobs_exactly_every_five_minutes_of_sandbox_time(sandbox: Sandbox) -> None:
    first = start(sandbox)
    assert jobs(sandbox) == []
    for k in range(3):
        due = first + k * FIVE_MINUTES
        advance_to(sandbox, due - timedelta(seconds=1))
        assert len(jobs(sandbox)) == k
        advance_to(sandbox, due)
        newest = jobs(sandbox)[-1]
        assert len(jobs(sandbox)) == k + 1
        assert newest["metadata"]["name"] == f"hello-{int(due.timestamp()) // 60}"
        assert newest["metadata"]["creationTimestamp"] == rfc3339(due)
        assert newest["metadata"]["annotations"][cronjob.SCHEDULED_TIMESTAMP] == rfc3339(due)
    [cj] = bodies(sandbox, "CronJob", "batch")
    assert cj["status"]["lastScheduleTime"] == rfc3339(first + 2 * FIVE_MINUTES)
    assert sorted(e["uid"] for e in cj["status"]["active"]) == sorted(j["metadata"]["uid"] for j in jobs(sandbox))
    # Each Job runs its pod.
    pods = bodies(sandbox, "Pod")
    assert sorted(p["metadata"]["ownerReferences"][0]["name"] for p in pods) == [
        j["metadata"]["name"] for j in jobs(sandbox)]


def test_forbid_skips_the_runs_while_one_is_active(sandbox: Sandbox) -> None:
    first = start(sandbox, "Forbid")
    advance_to(sandbox, first)
    advance_to(sandbox, first + FIVE_MINUTES)
    advance_to(sandbox, first + 2 * FIVE_MINUTES)
    assert [j["metadata"]["name"] for j in jobs(sandbox)] == [f"hello-{int(first.timestamp()) // 60}"]
    said = [(e["reason"], e["count"]) for e in bodies(sandbox, "Event") if e["involvedObject"]["name"] == "hello"]
    assert ("JobAlreadyActive", 2) in said
    [cj] = bodies(sandbox, "CronJob", "batch")
    assert cj["status"]["lastScheduleTime"] == rfc3339(first)


def test_replace_swaps_the_active_job_for_a_new_one(sandbox: Sandbox) -> None:
    first = start(sandbox, "Replace")
    advance_to(sandbox, first)
    advance_to(sandbox, first + FIVE_MINUTES)
    assert [j["metadata"]["name"] for j in jobs(sandbox)] == [f"hello-{int((first + FIVE_MINUTES).timestamp()) // 60}"]
