"""What simulated containers do once started, pure: completion, crash loops, failed pulls, probes, OOM.

The kubelet runs on a state and a clock, as in `test_kubelet`; `run_until` plays the role
of the sandbox clock, jumping from one wake-up the kubelet asked for to the next.
"""

from datetime import timedelta
from typing import Any

from cluster import kubelet
from cluster.actions import Action, AppendLog, Emit, Update, WakeAt
from cluster.objects import Obj, condition, parse_time
from cluster.state import ClusterState
from tests.builders import T0, new_pod
from tests.cluster.test_kubelet import emitted, pod_in, registered, settle


def pod_with(restart: str = "Always", image: str = "busybox:1.36", command: list[str] | None = None,
             annotations: dict[str, str] | None = None, **container: Any) -> Obj:
    pod = new_pod("web", node="node-1", image=image, restartPolicy=restart)
    spec = pod["spec"]["containers"][0]
    if command is not None:
        spec["command"] = command
    spec.update(container)
    pod["metadata"]["annotations"] = annotations or {}
    return pod


def started(pod: Obj) -> tuple[ClusterState, list[Action]]:
    state = registered("node-1")
    state.put(pod)
    return state, settle(state)


def run_until(state: ClusterState, seconds: float) -> list[Action]:
    """Advance the clock wake-up by wake-up (and heartbeat by heartbeat) until T0 + seconds."""
    end = T0 + timedelta(seconds=seconds)
    history: list[Action] = []
    while True:
        wakes = [a.at for a in kubelet.reconcile(state) if isinstance(a, WakeAt) and a.at > state.now]
        if not wakes or min(wakes) > end:
            state.now = end
            return history + settle(state)
        state.now = min(wakes)
        history += settle(state)


def app(state: ClusterState) -> dict[str, Any]:
    statuses: list[dict[str, Any]] = pod_in(state)["status"]["containerStatuses"]
    return statuses[0]


def ready(state: ClusterState) -> tuple[str, str]:
    cond = condition(pod_in(state), "Ready") or {}
    return cond.get("status", ""), cond.get("reason", "")


def restarts_at(history: list[Action]) -> list[str]:
    """When each run of the container started, from the pod writes that show it running."""
    statuses = [a.obj["status"]["containerStatuses"][0] for a in history
                if isinstance(a, Update) and a.obj["kind"] == "Pod" and a.obj["status"].get("containerStatuses")]
    runs = {cs["restartCount"]: cs["state"]["running"]["startedAt"] for cs in statuses if "running" in cs["state"]}
    return [runs[count] for count in sorted(runs)]


# --- no-op first ------------------------------------------------------------------------------------

def test_it_leaves_a_finished_pod_alone() -> None:
    state, _ = started(pod_with("Never", command=["sh", "-c", "echo done"]))

    assert [a for a in kubelet.reconcile(state) if not isinstance(a, WakeAt)] == []
    assert pod_in(state)["status"]["phase"] == "Succeeded"


# --- completion -------------------------------------------------------------------------------------

def test_it_completes_a_pod_whose_containers_exit_zero() -> None:
    state, _ = started(pod_with("Never", command=["sh", "-c", "echo hello; sleep 5"]))
    assert pod_in(state)["status"]["phase"] == "Running"

    run_until(state, 5)

    status = pod_in(state)["status"]
    assert status["phase"] == "Succeeded"
    assert app(state)["state"] == {"terminated": {
        "containerID": app(state)["containerID"], "exitCode": 0, "reason": "Completed",
        "startedAt": "2026-01-01T00:00:00Z", "finishedAt": "2026-01-01T00:00:05Z"}}
    assert ready(state) == ("False", "PodCompleted")
    assert (condition(pod_in(state), "PodReadyToStartContainers") or {})["status"] == "False"


def test_it_fails_a_pod_whose_container_exits_non_zero_with_restart_policy_never() -> None:
    state, _ = started(pod_with("Never", command=["false"]))

    assert pod_in(state)["status"]["phase"] == "Failed"
    assert app(state)["state"]["terminated"]["reason"] == "Error"
    assert app(state)["state"]["terminated"]["exitCode"] == 1 and app(state)["restartCount"] == 0


def test_it_completes_on_zero_and_restarts_on_failure_with_restart_policy_on_failure() -> None:
    done, _ = started(pod_with("OnFailure", command=["true"]))
    failing, _ = started(pod_with("OnFailure", command=["sh", "-c", "exit 2"]))

    assert pod_in(done)["status"]["phase"] == "Succeeded"
    assert pod_in(failing)["status"]["phase"] == "Running"
    assert app(failing)["restartCount"] == 1
    assert app(failing)["lastState"]["terminated"]["exitCode"] == 2


def test_it_keeps_a_pod_running_while_one_container_still_runs() -> None:
    pod = pod_with("Never", command=["true"])
    pod["spec"]["containers"].append({"name": "server", "image": "nginx:1.25"})
    state, _ = started(pod)

    assert pod_in(state)["status"]["phase"] == "Running"
    cond = condition(pod_in(state), "Ready") or {}
    assert (cond["status"], cond["message"]) == ("False", "containers with unready status: [app]")


# --- crash loops --------------------------------------------------------------------------------------

def test_it_backs_off_crash_loop_restarts_by_10_20_40_seconds() -> None:
    state, history = started(pod_with("Always", command=["sh", "-c", "echo boom; exit 1"]))
    history += run_until(state, 75)

    starts = [parse_time(t) for t in restarts_at(history)]
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False) if a and b]
    assert gaps == [0.0, 10.0, 20.0, 40.0]
    assert app(state)["restartCount"] == 4


def test_it_says_crash_loop_back_off_in_kubernetes_words() -> None:
    state, history = started(pod_with("Always", command=["false"]))
    uid = pod_in(state)["metadata"]["uid"]

    waiting = app(state)["state"]["waiting"]
    assert waiting == {"reason": "CrashLoopBackOff",
                       "message": f"back-off 10s restarting failed container=app pod=web_default({uid})"}
    assert app(state)["lastState"]["terminated"]["reason"] == "Error"
    assert ("BackOff", f"Back-off restarting failed container app in pod web_default({uid})") in emitted(history)
    assert pod_in(state)["status"]["phase"] == "Running"
    assert [e.type for e in history if isinstance(e, Emit) and e.reason == "BackOff"] == ["Warning"]


def test_it_caps_the_back_off_at_five_minutes() -> None:
    state, _ = started(pod_with("Always", command=["false"]))

    run_until(state, 1000)

    assert app(state)["state"]["waiting"]["message"].startswith("back-off 5m0s restarting failed container=app")


def test_it_forgives_crashes_after_ten_minutes_of_running() -> None:
    state, _ = started(pod_with("Always", command=["sh", "-c", "sleep 700; exit 1"]))

    run_until(state, 700)
    assert app(state)["restartCount"] == 1 and "running" in app(state)["state"]  # at once: the first exit
    run_until(state, 1400)

    assert app(state)["restartCount"] == 2 and "running" in app(state)["state"]  # at once again: it ran 700 s


def test_it_restarts_a_completed_container_when_the_policy_is_always() -> None:
    state, _ = started(pod_with("Always", image="busybox"))

    assert app(state)["lastState"]["terminated"]["reason"] == "Completed"
    assert app(state)["state"]["waiting"]["reason"] == "CrashLoopBackOff"


def test_it_kills_a_container_over_its_memory_limit_and_restarts_it() -> None:
    state, _ = started(pod_with("Always", image="polinux/stress", command=["stress"],
                                args=["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"],
                                resources={"limits": {"memory": "100Mi"}}))
    run_until(state, 1)

    last = app(state)["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)
    assert app(state)["restartCount"] == 1


# --- image pulls ------------------------------------------------------------------------------------

def test_it_reports_err_image_pull_then_image_pull_back_off() -> None:
    state, history = started(pod_with("Always", image="nginx:1.999"))

    error = ('rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.999": '
             'failed to resolve reference "docker.io/library/nginx:1.999": docker.io/library/nginx:1.999: not found')
    assert app(state)["state"]["waiting"] == {
        "reason": "ImagePullBackOff", "message": f'Back-off pulling image "nginx:1.999": ErrImagePull: {error}'}
    assert pod_in(state)["status"]["phase"] == "Pending" and app(state)["imageID"] == ""
    assert emitted(history)[-4:] == [
        ("Failed", f'Failed to pull image "nginx:1.999": {error}'), ("Failed", "Error: ErrImagePull"),
        ("BackOff", 'Back-off pulling image "nginx:1.999"'), ("Failed", "Error: ImagePullBackOff")]


def test_it_pulls_again_after_10_then_20_seconds() -> None:
    state, _ = started(pod_with("Always", image="nginx:1.999"))

    pulls_at = [state.now + timedelta(seconds=s) for s in (10, 30)]
    history = run_until(state, 31)

    pulling = [a for a in history if isinstance(a, Emit) and a.reason == "Pulling"]
    assert len(pulling) == 2
    failed = [e for e in state.of_kind("Event") if e["message"].startswith("Failed to pull image")]
    assert failed[0]["count"] == 3 and failed[0]["lastTimestamp"] == "2026-01-01T00:00:30Z"
    assert pulls_at[-1] == T0 + timedelta(seconds=30)


def test_it_starts_the_container_once_the_image_is_fixed() -> None:
    state, _ = started(pod_with("Always", image="nginx:1.999"))
    pod = pod_in(state)
    fixed = {**pod, "spec": {**pod["spec"], "containers": [{**pod["spec"]["containers"][0], "image": "nginx:1.25"}]}}
    state.put(fixed)

    settle(state)

    assert "running" in app(state)["state"] and app(state)["image"] == "docker.io/library/nginx:1.25"
    assert pod_in(state)["status"]["phase"] == "Running"


def test_it_fails_a_pull_from_an_unknown_registry() -> None:
    state, _ = started(pod_with("Always", image="regisrty.example.com/app:1"))

    assert app(state)["state"]["waiting"]["message"].endswith("lookup regisrty.example.com: no such host")


# --- probes -----------------------------------------------------------------------------------------

def http_probe(port: int, **timing: int) -> dict[str, Any]:
    return {"httpGet": {"path": "/", "port": port}, **timing}


def test_it_keeps_a_container_unready_while_its_readiness_probe_fails() -> None:
    state, _ = started(pod_with("Always", image="nginx:1.25", readinessProbe=http_probe(8080)))
    history = run_until(state, 25)

    assert app(state)["ready"] is False and "running" in app(state)["state"]
    assert ready(state) == ("False", "ContainersNotReady")
    ip = pod_in(state)["status"]["podIP"]
    message = f'Readiness probe failed: Get "http://{ip}:8080/": dial tcp {ip}:8080: connect: connection refused'
    assert ("Unhealthy", message) in emitted(history)
    unhealthy = [e for e in state.of_kind("Event") if e["reason"] == "Unhealthy"]
    assert unhealthy[0]["count"] == 3 and unhealthy[0]["type"] == "Warning"


def test_it_makes_a_container_ready_at_its_first_passing_probe() -> None:
    state, _ = started(pod_with("Always", image="nginx:1.25", readinessProbe=http_probe(80, initialDelaySeconds=5)))
    assert app(state)["ready"] is False

    run_until(state, 5)

    assert app(state)["ready"] is True and ready(state) == ("True", "")


def test_it_fails_readiness_by_annotation() -> None:
    state, history = started(pod_with("Always", image="nginx:1.25", readinessProbe=http_probe(80),
                                      annotations={"kubelab.io/fail-readiness": "true"}))
    history += run_until(state, 1)

    assert app(state)["ready"] is False
    assert ("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503") in emitted(history)


def test_it_restarts_a_container_that_fails_its_liveness_probe() -> None:  # the liveness-exec tutorial
    probe = {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5}
    state, history = started(pod_with("Always", args=["/bin/sh", "-c",
                                                      "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
                                      livenessProbe=probe))
    history += run_until(state, 39)
    assert app(state)["restartCount"] == 0
    history += run_until(state, 40)

    assert app(state)["restartCount"] == 1 and "running" in app(state)["state"]
    assert app(state)["lastState"]["terminated"]["exitCode"] == 137
    assert app(state)["lastState"]["terminated"]["finishedAt"] == "2026-01-01T00:00:40Z"
    events = emitted(history)
    assert ("Unhealthy", "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory") in events
    assert ("Killing", "Container app failed liveness probe, will be restarted") in events
    unhealthy = [e for e in state.of_kind("Event") if e["reason"] == "Unhealthy"]
    assert unhealthy[0]["count"] == 3


def test_it_logs_what_a_container_prints_with_its_attempt() -> None:
    state, history = started(pod_with("Always", command=["sh", "-c", "echo one; sleep 2; echo two; exit 1"]))
    history += run_until(state, 2)

    logs = [(a.attempt, [text for _, text in a.lines]) for a in history if isinstance(a, AppendLog)]
    assert logs[:2] == [(0, ["one", "two"]), (1, ["one", "two"])]
