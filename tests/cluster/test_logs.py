"""Container logs through the store, the reconcile loop and the sandbox clock: what `kubectl logs` reads."""

from datetime import timedelta
from typing import Any

import pytest

from cluster import clock, errors, kinds, logs, reconcile, store
from cluster.actions import AppendLog
from cluster.models import LogLine, Sandbox
from cluster.objects import Obj, parse_time
from tests.builders import T0


def pod_manifest(name: str = "web", command: list[str] | None = None, image: str = "busybox:1.36",
                 restart: str = "Always", extra: list[dict[str, Any]] | None = None) -> Obj:
    container: dict[str, Any] = {"name": "app", "image": image}
    if command:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": restart, "containers": [container, *(extra or [])]}}


def pod(sandbox: Sandbox, name: str = "web") -> Obj:
    kind = kinds.by_kind("", "Pod")
    assert kind is not None
    return store.get(sandbox, kind, "default", name)


def running(sandbox: Sandbox, manifest: Obj) -> Obj:
    store.create(sandbox, manifest, namespace="default")
    reconcile.run(sandbox.pk)
    return pod(sandbox, manifest["metadata"]["name"])


def later(sandbox: Sandbox, seconds: float) -> None:
    clock.advance(sandbox, seconds)
    reconcile.run(sandbox.pk)


def read(sandbox: Sandbox, name: str = "web", **options: Any) -> list[str]:
    return logs.read(sandbox, pod(sandbox, name), options.pop("container", ""), **options)


def test_it_reads_nothing_for_a_pod_not_yet_on_a_node(sandbox: Sandbox) -> None:
    store.create(sandbox, pod_manifest(), namespace="default")

    assert read(sandbox) == []


def test_it_reads_a_server_start_up_lines(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(image="nginx:1.25"))

    lines = read(sandbox)

    assert lines[0] == "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform " \
                       "configuration\n"
    assert lines[-1].endswith("[notice] 1#1: start worker process 30\n")


def test_it_shows_a_line_only_once_the_clock_reaches_it(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(command=["sh", "-c", "echo first; sleep 5; echo second; sleep 3600"]))

    assert read(sandbox) == ["first\n"]
    later(sandbox, 5)
    assert read(sandbox) == ["first\n", "second\n"]


def test_it_tails_timestamps_and_limits(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(command=["sh", "-c", "echo a; sleep 1; echo bb; sleep 1; echo ccc; sleep 60"]))
    later(sandbox, 2)
    started = pod(sandbox)["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
    start = parse_time(started)
    assert start is not None

    assert read(sandbox, tail=1) == ["ccc\n"]
    assert read(sandbox, tail=0) == []
    assert read(sandbox, timestamps=True, tail=1) == [f"{logs.timestamp(start + timedelta(seconds=2))} ccc\n"]
    assert logs.timestamp(T0 + timedelta(seconds=1.5)) == "2026-01-01T00:00:01.500000000Z"
    assert read(sandbox, since=start + timedelta(seconds=1)) == ["bb\n", "ccc\n"]
    assert read(sandbox, limit_bytes=4) == ["a\n", "bb"]


def test_it_reads_the_previous_run_after_a_restart(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(command=["sh", "-c", "echo run $(date); sleep 30; exit 1"]))
    later(sandbox, 30)

    current, previous = read(sandbox), read(sandbox, previous=True)

    assert pod(sandbox)["status"]["containerStatuses"][0]["restartCount"] == 1
    assert current[0].startswith("run ") and previous[0].startswith("run ")
    assert current != previous  # each run printed its own start time


def test_it_shows_the_crashed_run_while_in_crash_loop_back_off(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(command=["sh", "-c", "echo boom; exit 1"]))

    state = pod(sandbox)["status"]["containerStatuses"][0]["state"]
    assert state["waiting"]["reason"] == "CrashLoopBackOff"
    assert read(sandbox) == ["boom\n"] and read(sandbox, previous=True) == ["boom\n"]


def test_it_produces_a_loop_output_on_demand(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(command=["sh", "-c", 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 1; '
                                                       "done"]))
    later(sandbox, 500)

    assert read(sandbox, tail=2) == ["tick 499\n", "tick 500\n"]
    assert LogLine.objects.filter(sandbox=sandbox).count() == 0


def test_it_refuses_what_the_api_server_refuses(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(image="nginx:1.25", extra=[{"name": "sidecar", "image": "busybox:1.36",
                                                              "command": ["sleep", "3600"]}]))

    with pytest.raises(errors.StatusError) as unnamed:
        read(sandbox)
    with pytest.raises(errors.StatusError) as unknown:
        read(sandbox, container="nope")
    with pytest.raises(errors.StatusError) as no_previous:
        read(sandbox, container="app", previous=True)

    assert unnamed.value.code == 400
    assert unnamed.value.message == "a container name must be specified for pod web, choose one of: [app sidecar]"
    assert unknown.value.message == "container nope is not valid for pod web"
    assert no_previous.value.message == 'previous terminated container "app" in pod "web" not found'


def test_it_says_a_container_is_waiting_to_start(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(image="nginx:1.999"))

    with pytest.raises(errors.StatusError) as waiting:
        read(sandbox)

    assert waiting.value.message == 'container "app" in pod "web" is waiting to start: trying and failing to pull image'


def test_it_keeps_only_the_newest_lines_of_a_run(sandbox: Sandbox) -> None:
    current = running(sandbox, pod_manifest(image="nginx:1.25"))
    now = clock.now(sandbox)
    lines = tuple((now, f"line {i}") for i in range(logs.KEEP + 5))
    store.apply(sandbox, [AppendLog(current, "app", 0, lines)], store.load_state(sandbox))

    tail = read(sandbox)

    assert len(tail) == logs.KEEP and tail[-1] == f"line {logs.KEEP + 4}\n"


def test_it_builds_access_log_lines_for_a_serving_container(sandbox: Sandbox) -> None:
    current = running(sandbox, pod_manifest(image="nginx:1.25"))
    now = clock.now(sandbox)

    action = logs.access_log(current, [(now, "10.244.2.7")])

    assert action is not None and action.container == "app" and action.attempt == 0
    stamp = now.strftime("%d/%b/%Y:%H:%M:%S +0000")
    assert action.lines == ((now, f'10.244.2.7 - - [{stamp}] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"'),)


def test_it_forgets_the_logs_of_a_removed_pod(sandbox: Sandbox) -> None:
    running(sandbox, pod_manifest(image="nginx:1.25"))
    kind = kinds.by_kind("", "Pod")
    assert kind is not None

    store.delete(sandbox, kind, "default", "web", grace_seconds=0)

    assert LogLine.objects.filter(sandbox=sandbox).count() == 0
