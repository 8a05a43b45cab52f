"""Jobs through the real store and reconcile loop, on the sandbox clock.

### ATTENTION ###
These are controller-level tests in which THE TEST PLAYS THE KUBELET'S PART of finishing
containers: it writes `Succeeded`/`Failed` pod statuses through the store, as the kubelet
would, so that the Job controller's reaction is what is under test, whatever the simulated
processes do.
"""

from typing import Any

from cluster import clock, kinds, reconcile, store
from cluster.models import KubeObject, Sandbox, WatchEvent
from cluster.objects import condition, parse_time, rfc3339

FINISHED = ("Succeeded", "Failed")


def job_manifest(**spec: Any) -> dict[str, Any]:
    container = {"name": "pi", "image": "perl:5.34", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(200)"]}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [container]}}, **spec}}


def kind(plural: str, group: str = "") -> Any:
    found = kinds.by_plural(group, plural)
    assert found is not None
    return found


def job_pods(sandbox: Sandbox) -> list[dict[str, Any]]:
    rows = KubeObject.objects.filter(sandbox=sandbox, kind="Pod", name__startswith="pi-").order_by("name")
    return list(rows.values_list("body", flat=True))


def the_job(sandbox: Sandbox) -> dict[str, Any]:
    return store.get(sandbox, kind("jobs", "batch"), "default", "pi")


def finish(sandbox: Sandbox, pod: dict[str, Any], phase: str) -> None:
    """The test plays the kubelet: the pod's only container exits (0 for Succeeded, 1 for Failed)."""
    now = rfc3339(clock.now(sandbox))
    code, reason = (0, "Completed") if phase == "Succeeded" else (1, "Error")
    status = {**pod["status"], "phase": phase, "containerStatuses": [{
        "name": "pi", "ready": False, "restartCount": 0, "image": "perl:5.34", "imageID": "", "started": False,
        "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": now, "finishedAt": now}}}],
        "conditions": [{"type": "Ready", "status": "False", "reason": "PodCompleted", "lastTransitionTime": now}]}
    store.update(sandbox, kind("pods"), "default", pod["metadata"]["name"], {**pod, "status": status},
                 subresource="status")


def running(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in pods if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp")]


def most_active_at_once(sandbox: Sandbox) -> int:
    """Replay the watch log: the most Job pods ever active (not finished, not deleted) at one resourceVersion."""
    active: set[str] = set()
    most = 0
    for event in WatchEvent.objects.filter(sandbox=sandbox, kind="Pod").order_by("resource_version"):
        pod = event.object
        live = event.type != "DELETED" and pod["status"].get("phase") not in FINISHED and \
            not pod["metadata"].get("deletionTimestamp")
        (active.add if live else active.discard)(pod["metadata"]["uid"])
        most = max(most, len(active))
    return most


def test_it_runs_five_completions_never_more_than_two_at_a_time(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    store.create(sandbox, job_manifest(completions=5, parallelism=2), namespace="default")
    reconcile.run(sandbox.pk)
    for _ in range(10):
        pods = running(job_pods(sandbox))
        if not pods:
            break
        assert len(pods) <= 2
        clock.advance(sandbox, 5)
        finish(sandbox, pods[0], "Succeeded")
        reconcile.run(sandbox.pk)
    job = the_job(sandbox)
    assert job["status"]["succeeded"] == 5 and "active" not in job["status"]
    assert (condition(job, "Complete") or {}).get("status") == "True"
    assert job["status"]["completionTime"] == rfc3339(clock.now(sandbox))
    assert len(job_pods(sandbox)) == 5
    assert all(not p["metadata"].get("finalizers") for p in job_pods(sandbox))
    assert most_active_at_once(sandbox) == 2


def test_it_replaces_a_failed_pod_after_the_back_off(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    store.create(sandbox, job_manifest(backoffLimit=1), namespace="default")
    reconcile.run(sandbox.pk)
    finish(sandbox, running(job_pods(sandbox))[0], "Failed")
    reconcile.run(sandbox.pk)
    assert running(job_pods(sandbox)) == []
    clock.advance(sandbox, 9)
    reconcile.run(sandbox.pk)
    assert running(job_pods(sandbox)) == []
    clock.advance(sandbox, 1)
    reconcile.run(sandbox.pk)
    [replacement] = running(job_pods(sandbox))
    finish(sandbox, replacement, "Failed")
    reconcile.run(sandbox.pk)
    job = the_job(sandbox)
    assert job["status"]["failed"] == 2
    assert (condition(job, "Failed") or {}).get("reason") == "BackoffLimitExceeded"


def test_it_deletes_a_finished_job_and_its_pods_after_the_ttl(sandbox: Sandbox) -> None:
    reconcile.run(sandbox.pk)
    store.create(sandbox, job_manifest(ttlSecondsAfterFinished=60), namespace="default")
    reconcile.run(sandbox.pk)
    finish(sandbox, running(job_pods(sandbox))[0], "Succeeded")
    reconcile.run(sandbox.pk)
    assert (condition(the_job(sandbox), "Complete") or {}).get("status") == "True"
    clock.advance(sandbox, 59)
    reconcile.run(sandbox.pk)
    assert job_pods(sandbox)
    clock.advance(sandbox, 1)
    reconcile.run(sandbox.pk)
    assert not KubeObject.objects.filter(sandbox=sandbox, kind="Job").exists()
    assert job_pods(sandbox) == []


def test_sleeping_pods_complete_the_job_two_at_a_time(sandbox: Sandbox) -> None:
    """No kubelet-playing here: `sleep 5` exits by itself after 5 s of sandbox time."""
    reconcile.run(sandbox.pk)
    manifest = job_manifest(completions=5, parallelism=2)
    manifest["spec"]["template"]["spec"]["containers"] = [
        {"name": "work", "image": "busybox:1.36", "command": ["sleep", "5"]}]
    store.create(sandbox, manifest, namespace="default")
    for _ in range(20):
        reconcile.run(sandbox.pk)
        assert len(running(job_pods(sandbox))) <= 2
        if (condition(the_job(sandbox), "Complete") or {}).get("status") == "True":
            break
        clock.advance(sandbox, 1)
    job = the_job(sandbox)
    assert job["status"]["succeeded"] == 5
    assert most_active_at_once(sandbox) == 2
    # Three waves of 5 s each: 2 pods, 2 pods, then the last one.
    took = parse_time(job["status"]["completionTime"]) - parse_time(job["status"]["startTime"])  # type: ignore[operator]
    assert 15 <= took.total_seconds() < 20
