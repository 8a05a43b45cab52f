"""What a simulated container would do: the plan of its process, made from its manifest alone.

No container runs. Instead, when the kubelet starts a container it asks for its `Process`:
how long it runs (None: until stopped), how it exits (code and termination reason), what it
prints and when, which ports it listens on, how much memory it holds, which files it
creates and removes, and whether its image can be pulled at all. The plan is a pure
function of the container (image, command, args, env, ports, limits) and the pod's
annotations, so the same manifest always behaves the same way. The rules, in order:

1. annotations `kubelab.io/exit-after` ("30s", "2m") and `kubelab.io/exit-code` ("1")
   override how long it runs and how it exits (a `.<container>` suffix aims at one container);
2. otherwise the command (`command` then `args`, or the image's default when absent) is read
   by a small shell (`cluster.stages.shell`): `sleep 5` runs 5 s, `echo hi` prints and exits 0,
   `false` exits 1, `sh -c "...; exit 3"` exits 3, a server such as nginx runs forever, and a
   command nobody knows is the image's own application: it runs until stopped;
3. a container whose memory (annotation `kubelab.io/memory-usage`, else what its program is
   known to hold) exceeds `resources.limits.memory` is OOMKilled (exit code 137) a second in.

docs/containers.md tells learners the same rules.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from cluster import quantities
from cluster.objects import Obj, annotations_of, name_of
from cluster.stages import commands, programs, pulls
from cluster.stages.shell import Forever, Run

EXIT_AFTER = "kubelab.io/exit-after"
EXIT_CODE = "kubelab.io/exit-code"
MEMORY_USAGE = "kubelab.io/memory-usage"
OOM_AFTER = 1.0
OOM_EXIT_CODE = 137
BASELINE_MEMORY = 4 * 2**20
COMPLETED, ERROR, OOM_KILLED = "Completed", "Error", "OOMKilled"
# Images whose entrypoint is fixed: `args` are handed to it.
ENTRYPOINTS = {"agnhost": ["agnhost"], "stress": ["stress"]}
# What an image runs when the manifest gives neither command nor args.
DEFAULT_COMMANDS = {
    "busybox": ["sh"], "alpine": ["sh"], "ubuntu": ["bash"], "debian": ["bash"], "centos": ["bash"],
    "fedora": ["bash"], "rockylinux": ["bash"], "amazonlinux": ["bash"], "python": ["python3"], "node": ["node"],
    "perl": ["perl"], "golang": ["bash"], "ruby": ["irb"], "nginx": ["nginx"], "httpd": ["httpd-foreground"],
    "redis": ["redis-server"], "postgres": ["postgres"], "mysql": ["mysqld"], "mariadb": ["mariadbd"],
    "memcached": ["memcached"], "mongo": ["mongod"], "rabbitmq": ["rabbitmq-server"], "hello-world": ["hello"],
    "pause": ["pause"], "agnhost": ["agnhost", "pause"], "curl": ["curl"], "openresty": ["nginx"],
}
SHELLS = ("sh", "bash", "ash", "dash", "zsh")
AGNHOST_PORTS = {"agnhost-liveness": (8080,), "agnhost-netexec": (8080,), "agnhost-serve-hostname": (9376,)}
K8S_VARIABLE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


@dataclass(frozen=True)
class Process:
    runs_for: float | None  # seconds, or None: until stopped
    exit_code: int = 0
    reason: str = COMPLETED
    output: tuple[tuple[float, str], ...] = ()  # (seconds after start, line with time markers)
    loop: Forever | None = field(default=None, compare=False)
    ports: tuple[int, ...] = ()
    memory: int = BASELINE_MEMORY
    files: dict[str, list[tuple[float, bool]]] = field(default_factory=dict, compare=False)
    program: str = ""
    pull_error: str | None = None

    def lines(self, started: datetime) -> tuple[tuple[datetime, str], ...]:
        """Its finite output as (moment, text), for an attempt that started at `started`."""
        return tuple((started + timedelta(seconds=offset), programs.render(text, started + timedelta(seconds=offset)))
                     for offset, text in self.output)

    def loop_lines(self, started: datetime, until: datetime, limit: int = 1000) -> list[tuple[datetime, str]]:
        """The newest lines (at most `limit`) a `while true` loop printed from `started` until `until`."""
        if self.loop is None:
            return []
        elapsed = (until - started).total_seconds() - self.loop.starts
        if elapsed < 0:
            return []
        last = int(elapsed // self.loop.period)
        lines: list[tuple[datetime, str]] = []
        for k in range(last, -1, -1):
            batch = [(started + timedelta(seconds=t), text) for t, text in self.loop.iteration(k)]
            lines[:0] = [(at, programs.render(text, at)) for at, text in batch if at <= until]
            if len(lines) >= limit:
                break
        return lines[-limit:]

    def has_file(self, path: str, offset: float) -> bool | None:
        """Whether the process had created `path` by `offset` seconds; None when it never touched it."""
        history = [exists for t, exists in self.files.get(path, []) if t <= offset]
        return history[-1] if history else (False if path in self.files else None)


def plan(container: dict[str, Any], pod: Obj, pod_ip: str = "") -> Process:
    env = environment(container, pod, pod_ip)
    image = str(container.get("image", ""))
    run = Run(env, commands)
    argv = command_line(container, image, env)
    if argv:
        commands.run(run, argv)
    process = outcome(run, container)
    process = overridden(process, annotations_of(pod), str(container.get("name", "")))
    return with_memory(process, container, annotations_of(pod), run)


def base_name(image: str) -> str:
    return image.rsplit("/", 1)[-1].partition("@")[0].partition(":")[0]


def command_line(container: dict[str, Any], image: str, env: dict[str, str]) -> list[str]:
    """The argv the runtime executes: command and args, each filling in for the image's default."""
    command = [str(word) for word in container.get("command") or []]
    args = [str(word) for word in container.get("args") or []]
    base = base_name(image)
    if not command:
        command = ENTRYPOINTS.get(base, [])
        if not args:
            args = DEFAULT_COMMANDS.get(base, [base])[len(command):]
    argv = [expand_variables(word, env) for word in [*command, *args]]
    interactive = container.get("stdin") and argv and argv[0].rsplit("/", 1)[-1] in SHELLS and len(argv) == 1
    return ["sh-idle"] if interactive else argv  # `kubectl run -it ... -- sh`: a shell waiting for its user


def expand_variables(word: str, env: dict[str, str]) -> str:
    """Kubernetes itself expands `$(VAR)` in command and args from the container's env; `$$(` escapes."""
    if "$(" not in word:
        return word
    escaped = word.replace("$$(", "\x01")
    return K8S_VARIABLE.sub(lambda m: env.get(m.group(1), m.group(0)), escaped).replace("\x01", "$(")


def environment(container: dict[str, Any], pod: Obj, pod_ip: str) -> dict[str, str]:
    spec = pod.get("spec") or {}
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME": name_of(pod),
           "HOME": "/root"}
    fields = {"metadata.name": name_of(pod), "metadata.namespace": str(pod.get("metadata", {}).get("namespace")),
              "spec.nodeName": str(spec.get("nodeName", "")), "status.podIP": pod_ip,
              "spec.serviceAccountName": str(spec.get("serviceAccountName", "default"))}
    for item in container.get("env") or []:
        if isinstance(item, dict) and item.get("name"):
            ref = ((item.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath", "")
            env[str(item["name"])] = expand_variables(str(item.get("value", fields.get(ref, ""))), env)
    env.update({"#ip": pod_ip, "#tag": pulls.tag_of(str(container.get("image", "")))})
    return env


def outcome(run: Run, container: dict[str, Any]) -> Process:
    ports = listening(run, container)
    runs_for = None if run.blocked else run.t
    code = run.status if runs_for is not None else 0
    return Process(runs_for, code, COMPLETED if code == 0 else ERROR, tuple(run.out), run.loop, ports,
                   files=run.files, program=run.program, pull_error=pulls.failure(str(container.get("image", ""))))


def listening(run: Run, container: dict[str, Any]) -> tuple[int, ...]:
    """A server listens on its well-known ports and on those the manifest declares; a script on none."""
    if not run.program or run.program == "stress":
        return ()
    declared = [int(p["containerPort"]) for p in container.get("ports") or []
                if isinstance(p, dict) and str(p.get("containerPort", "")).isdigit()]
    known = programs.server(run.program, run.env)
    own = known.ports if known else AGNHOST_PORTS.get(run.program, ())
    if run.program.startswith("http.server:"):
        own = (int(run.program.partition(":")[2]),)
    return tuple(sorted({*own, *declared}))


def annotation(notes: dict[str, str], key: str, container: str) -> str | None:
    return notes.get(f"{key}.{container}", notes.get(key))


def overridden(process: Process, notes: dict[str, str], container: str) -> Process:
    after, code = annotation(notes, EXIT_AFTER, container), annotation(notes, EXIT_CODE, container)
    runs_for = process.runs_for
    if after is not None:
        runs_for = commands.seconds(after.strip())
    if code is not None and code.strip().lstrip("-").isdigit():
        exit_code = int(code) % 256
        runs_for = runs_for if runs_for is not None else 0.0
    else:
        exit_code = process.exit_code
    if runs_for == process.runs_for and exit_code == process.exit_code:
        return process
    output = tuple(line for line in process.output if runs_for is None or line[0] <= runs_for)
    return _replace(process, runs_for=runs_for, exit_code=exit_code, reason=COMPLETED if exit_code == 0 else ERROR,
                    output=output)


def with_memory(process: Process, container: dict[str, Any], notes: dict[str, str], run: Run) -> Process:
    usage = memory_usage(process, notes, str(container.get("name", "")), run)
    limit = memory_limit(container)
    if limit is None or usage <= limit:
        return _replace(process, memory=usage)
    output = tuple(line for line in process.output if line[0] <= OOM_AFTER)
    return _replace(process, runs_for=OOM_AFTER, exit_code=OOM_EXIT_CODE, reason=OOM_KILLED, memory=usage,
                    output=output, loop=None)


def memory_usage(process: Process, notes: dict[str, str], container: str, run: Run) -> int:
    noted = annotation(notes, MEMORY_USAGE, container)
    if noted is not None:
        try:
            return int(quantities.parse(noted))
        except quantities.QuantityError:
            pass
    known = programs.server(process.program, run.env) if process.program else None
    return (known.memory if known else BASELINE_MEMORY) + int(run.env.get("#memory", "0"))


def memory_limit(container: dict[str, Any]) -> int | None:
    limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    try:
        return int(quantities.parse(limit)) if limit is not None else None
    except quantities.QuantityError:
        return None


def _replace(process: Process, **changes: Any) -> Process:
    return replace(process, **changes)
