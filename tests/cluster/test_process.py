"""The process plan of a simulated container: how long it runs, how it exits, what it prints, its pull."""

from datetime import timedelta
from typing import Any

from cluster.stages import pulls
from cluster.stages.process import plan
from tests.builders import T0, new_pod


def container(image: str = "busybox:1.36", command: list[str] | None = None, args: list[str] | None = None,
              **fields: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": "app", "image": image, **fields}
    if command is not None:
        spec["command"] = command
    if args is not None:
        spec["args"] = args
    return spec


def plan_of(spec: dict[str, Any], **annotations: str) -> Any:
    pod = new_pod("job-1")
    pod["metadata"]["annotations"] = annotations
    return plan(spec, pod, "10.244.1.5")


def printed(spec: dict[str, Any], **annotations: str) -> list[tuple[float, str]]:
    return [((at - T0).total_seconds(), text) for at, text in plan_of(spec, **annotations).lines(T0)]


def test_it_runs_a_server_image_forever_with_its_start_up_lines() -> None:
    nginx = plan_of(container("nginx:1.25"))

    assert nginx.runs_for is None and nginx.ports == (80,)
    lines = [text for _, text in nginx.lines(T0)]
    assert lines[-1] == "2026/01/01 00:00:00 [notice] 1#1: start worker process 30"
    assert "2026/01/01 00:00:00 [notice] 1#1: nginx/1.25.5" in lines


def test_it_exits_at_once_for_a_shell_image_without_a_command() -> None:
    busybox = plan_of(container("busybox"))

    assert (busybox.runs_for, busybox.exit_code, busybox.reason) == (0.0, 0, "Completed")


def test_it_waits_for_a_user_when_the_shell_has_stdin() -> None:
    assert plan_of(container("busybox", ["sh"], stdin=True, tty=True)).runs_for is None


def test_it_sleeps_as_long_as_asked() -> None:
    assert plan_of(container(command=["sleep", "3600"])).runs_for == 3600.0
    assert plan_of(container(command=["sleep", "2m"])).runs_for == 120.0
    assert plan_of(container(command=["sleep", "infinity"])).runs_for is None


def test_it_reads_a_script_for_its_output_duration_and_exit_code() -> None:
    spec = container(command=["sh", "-c", "echo hello; sleep 5; echo bye; exit 3"])

    assert printed(spec) == [(0.0, "hello"), (5.0, "bye")]
    assert (plan_of(spec).runs_for, plan_of(spec).exit_code, plan_of(spec).reason) == (5.0, 3, "Error")


def test_it_fails_false_and_succeeds_true() -> None:
    assert plan_of(container(command=["false"])).exit_code == 1
    assert plan_of(container(command=["/bin/true"])).exit_code == 0


def test_it_follows_and_or_chains_and_the_last_status() -> None:
    spec = container(command=["sh", "-c", "false && echo never || echo rescued"])

    assert printed(spec) == [(0.0, "rescued")] and plan_of(spec).exit_code == 0


def test_it_unrolls_for_loops_and_counting_while_loops() -> None:
    loop = container(command=["sh", "-c", "for i in 1 2 3; do echo item $i; sleep 2; done"])
    count = container(args=["/bin/sh", "-c", 'i=0; while [ $i -lt 2 ]; do echo "n=$i"; i=$((i+1)); sleep 1; done'])

    assert printed(loop) == [(0.0, "item 1"), (2.0, "item 2"), (4.0, "item 3")]
    assert printed(count) == [(0.0, "n=0"), (1.0, "n=1")] and plan_of(count).runs_for == 2.0


def test_it_prints_the_logging_tutorial_counter_forever() -> None:
    spec = container(args=["/bin/sh", "-c", 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'])
    counter = plan_of(spec)

    assert counter.runs_for is None
    assert counter.loop_lines(T0, T0 + timedelta(seconds=100), limit=2) == [
        (T0 + timedelta(seconds=99), "99: Thu Jan  1 00:01:39 UTC 2026"),
        (T0 + timedelta(seconds=100), "100: Thu Jan  1 00:01:40 UTC 2026")]


def test_it_prints_pi_for_the_job_tutorial_after_a_few_seconds() -> None:
    pi = plan_of(container("perl:5.34.0", ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]))

    [(at, digits)] = pi.lines(T0)
    assert pi.runs_for == 4.0 and at == T0 + timedelta(seconds=4)
    assert digits.startswith("3.14159265358979323846264338327950288") and len(digits) == 2001
    assert digits.endswith("3904780275901")  # rounded, as the Job tutorial's output ends


def test_it_substitutes_kubernetes_variables_and_env() -> None:
    spec = container(command=["sh", "-c", "echo $(GREETING) from $HOSTNAME"],
                     env=[{"name": "GREETING", "value": "hello"}])

    assert printed(spec) == [(0.0, "hello from job-1")]


def test_it_refuses_postgres_without_a_password_and_runs_it_with_one() -> None:
    bare = plan_of(container("postgres:16"))
    set_up = plan_of(container("postgres:16", env=[{"name": "POSTGRES_PASSWORD", "value": "s3cret"}]))

    assert (bare.runs_for, bare.exit_code) == (0.0, 1)
    assert bare.lines(T0)[0][1] == "Error: Database is uninitialized and superuser password is not specified."
    assert set_up.runs_for is None and set_up.ports == (5432,)


def test_it_lets_annotations_decide_the_exit() -> None:
    spec = container("nginx:1.25")

    timed = plan_of(spec, **{"kubelab.io/exit-after": "30s", "kubelab.io/exit-code": "2"})
    only_code = plan_of(container(command=["sleep", "10"]), **{"kubelab.io/exit-code.app": "1"})

    assert (timed.runs_for, timed.exit_code, timed.reason) == (30.0, 2, "Error")
    assert (only_code.runs_for, only_code.exit_code) == (10.0, 1)


def test_it_kills_a_container_over_its_memory_limit() -> None:
    stress = container("polinux/stress", ["stress"], ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"],
                       resources={"limits": {"memory": "100Mi"}})
    within = container("polinux/stress", ["stress"], ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"],
                       resources={"limits": {"memory": "200Mi"}})
    noted = container("nginx:1.25", resources={"limits": {"memory": "64Mi"}})

    assert (plan_of(stress).runs_for, plan_of(stress).exit_code, plan_of(stress).reason) == (1.0, 137, "OOMKilled")
    assert plan_of(within).runs_for is None
    assert plan_of(noted, **{"kubelab.io/memory-usage": "100Mi"}).reason == "OOMKilled"


def test_it_records_the_files_a_script_makes_and_removes() -> None:
    spec = container(args=["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"])
    process = plan_of(spec)

    assert process.has_file("/tmp/healthy", 29) is True
    assert process.has_file("/tmp/healthy", 30) is False
    assert process.runs_for == 630.0


def test_it_listens_only_when_a_server_runs() -> None:
    app = container("example/app:1", ports=[{"containerPort": 8080}])
    sleeper = container(command=["sleep", "3600"], ports=[{"containerPort": 80}])

    assert plan_of(app).ports == (8080,)
    assert plan_of(sleeper).ports == ()


# --- image pulls ------------------------------------------------------------------------------

def test_it_pulls_known_images_and_tags() -> None:
    for image in ("nginx", "nginx:1.25", "nginx:1.27.3-alpine", "redis:7.2", "busybox:1.36", "python:3.12-slim",
                  "registry.k8s.io/e2e-test-images/agnhost:2.40", "ghcr.io/org/app:v1", "example/app:1.0",
                  "nginx@sha256:" + "0" * 64, "ubuntu:22.04", "alpine:3.19"):
        assert pulls.failure(image) is None, image


def test_it_fails_a_tag_the_official_image_does_not_publish() -> None:
    assert pulls.failure("nginx:1.999") == (
        'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.999": '
        'failed to resolve reference "docker.io/library/nginx:1.999": docker.io/library/nginx:1.999: not found')


def test_it_fails_an_unknown_registry_host() -> None:
    error = pulls.failure("registry.example.com/team/app:1.0")

    assert error is not None and error.startswith("rpc error: code = Unknown desc = failed to pull and unpack image")
    assert error.endswith('Head "https://registry.example.com/v2/team/app/manifests/1.0": dial tcp: lookup '
                          "registry.example.com: no such host")
