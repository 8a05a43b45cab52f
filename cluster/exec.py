"""`kubectl exec` into a simulated container: a few shell commands on top of the simulated files.

No process runs, so `exec` cannot run a learner's program; it understands what lessons about
volumes need (`cluster.volumes` says where each file is kept):

    kubectl exec web-0 -- sh -c 'echo hello > /data/hello.txt'
    kubectl exec web-0 -- cat /data/hello.txt
    kubectl exec web-0 -- ls /data

Commands: `echo` (with `>` or `>>`), `cat`, `ls`, `rm`, `touch`, `mkdir`, `pwd`, `hostname`,
`true`, `false`, `sleep`; joined with `;`, `&&` and `||` inside `sh -c`. The answer is what a
terminal would show: an exit code, the output, and errors worded as busybox's `sh` words them.
"""

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from cluster import errors, kinds, store, volumes
from cluster.models import Sandbox
from cluster.objects import Obj

SHELLS = ("sh", "bash", "ash")
JOINERS = (";", "&&", "||")
NOT_FOUND_EXIT = 127


@dataclass
class Session:
    """One exec: where it runs, and what it has printed so far."""

    sandbox: Sandbox
    namespace: str
    pod: str
    container: str
    shell: bool  # under `sh -c` (errors say "sh: ...") or a bare command
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    def fail(self, message: str, code: int = 1) -> int:
        self.err.append(message + "\n")
        return code


def exec_command(sandbox: Sandbox, namespace: str, pod: str, container: str, argv: list[str]) -> tuple[int, str, str]:
    """Run `argv` in the container as `kubectl exec` would: (exit code, stdout, stderr).

    Raises StatusError when there is nothing to exec into, as the API server refuses it.
    """
    obj = store.get(sandbox, _pod_kind(), namespace, pod)
    container = check_running(obj, container)
    if not argv:
        raise errors.bad_request("you must specify at least one command for the container")
    script = _script_of(argv)
    session = Session(sandbox, namespace, pod, container, shell=script is not None)
    code = run_script(session, script) if script is not None else run_bare(session, argv)
    return code, "".join(session.out), "".join(session.err)


def _pod_kind() -> kinds.Kind:
    kind = kinds.by_kind("", "Pod")
    assert kind is not None
    return kind


def check_running(pod: Obj, container: str) -> str:
    """The container's name, once it is certain it runs; the API server's refusals otherwise."""
    name = volumes.container_of(pod, container)["name"]
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise errors.bad_request(f"cannot exec into a container in a completed pod; current phase is {phase}")
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    if not any(s.get("name") == name and "running" in (s.get("state") or {}) for s in statuses):
        raise errors.bad_request(f'unable to upgrade connection: container not found ("{name}")')
    return str(name)


def _script_of(argv: list[str]) -> str | None:
    shell = argv[0].rsplit("/", 1)[-1]
    if shell in SHELLS and len(argv) >= 3 and argv[1] == "-c":
        return argv[2]
    return None


def run_bare(session: Session, argv: list[str]) -> int:
    """A command with no shell around it: no redirections, and an unknown program cannot be started."""
    name = argv[0].rsplit("/", 1)[-1]
    if name not in COMMANDS and name not in SHELLS:
        return session.fail(f'OCI runtime exec failed: exec failed: unable to start container process: exec: '
                            f'"{argv[0]}": executable file not found in $PATH: unknown', 126)
    if name in SHELLS:
        return 0  # an interactive shell with no terminal attached reads nothing and exits
    return run_simple(session, argv, "", append=False)


def run_script(session: Session, script: str) -> int:
    try:
        tokens = list(shlex.shlex(script, posix=True, punctuation_chars=";&|<>"))
    except ValueError:
        return session.fail("sh: syntax error: unterminated quoted string", 2)
    status, joiner = 0, ";"
    command: list[str] = []
    for token in [*tokens, ";"]:
        if token in JOINERS:
            if command and (joiner == ";" or (joiner == "&&") == (status == 0)):
                status = run_redirected(session, command)
            joiner, command = token, []
        else:
            command.append(token)
    return status


def run_redirected(session: Session, words: list[str]) -> int:
    """One simple command, its output sent to a file when it ends with `> file` or `>> file`."""
    for operator in (">>", ">"):
        if operator in words:
            at = words.index(operator)
            if at + 1 >= len(words):
                return session.fail("sh: syntax error: unexpected newline", 2)
            target = words[at + 1]
            return run_simple(session, words[:at] + words[at + 2:], target, append=operator == ">>")
    return run_simple(session, words, "", append=False)


def run_simple(session: Session, argv: list[str], target: str, *, append: bool) -> int:
    name = argv[0].rsplit("/", 1)[-1] if argv else ":"
    handler = COMMANDS.get(name)
    if handler is None:
        return session.fail(f"sh: {argv[0]}: not found", NOT_FOUND_EXIT)
    printed: list[str] = []
    status = handler(session, argv[1:], printed)
    if not target:
        session.out += printed
        return status
    try:
        volumes.write_file(session.sandbox, session.namespace, session.pod, target, "".join(printed),
                           container=session.container, append=append)
    except volumes.FileError as error:
        return session.fail(f"sh: can't create {error.path}: {error.reason}")
    return status


# --- the commands: each gets the session, its arguments and where to print ------------------

Command = Callable[[Session, list[str], list[str]], int]


def echo(session: Session, args: list[str], out: list[str]) -> int:
    newline = "\n"
    while args and args[0] in ("-n", "-e", "-ne", "-en", "-E"):
        newline = "" if "n" in args[0] else newline
        args = args[1:]
    out.append(" ".join(args) + newline)
    return 0


def cat(session: Session, args: list[str], out: list[str]) -> int:
    status = 0
    for path in args:
        try:
            out.append(volumes.read_file(session.sandbox, session.namespace, session.pod, path,
                                         container=session.container))
        except volumes.FileError as error:
            status = session.fail(f"cat: can't open '{path}': {error.reason}")
    return status


def ls(session: Session, args: list[str], out: list[str]) -> int:
    paths = [a for a in args if not a.startswith("-")] or ["/"]
    status = 0
    for path in paths:
        try:
            names = volumes.list_files(session.sandbox, session.namespace, session.pod, path,
                                       container=session.container)
        except volumes.FileError as error:
            status = session.fail(f"ls: {path}: {error.reason}")
            continue
        out.append(f"{path}:\n" if len(paths) > 1 else "")
        out.append("".join(f"{name}\n" for name in names))
    return status


def rm(session: Session, args: list[str], out: list[str]) -> int:
    force = any(a.startswith("-") and "f" in a for a in args)
    status = 0
    for path in (a for a in args if not a.startswith("-")):
        try:
            volumes.remove_file(session.sandbox, session.namespace, session.pod, path, container=session.container)
        except volumes.FileError as error:
            if not (force and error.reason == volumes.Errno.NOT_FOUND):
                status = session.fail(f"rm: can't remove '{path}': {error.reason}")
    return status


def touch(session: Session, args: list[str], out: list[str]) -> int:
    status = 0
    for path in (a for a in args if not a.startswith("-")):
        try:
            volumes.write_file(session.sandbox, session.namespace, session.pod, path, "",
                               container=session.container, append=True)
        except volumes.FileError as error:
            status = session.fail(f"touch: {path}: {error.reason}")
    return status


def succeed(session: Session, args: list[str], out: list[str]) -> int:
    return 0


def fail(session: Session, args: list[str], out: list[str]) -> int:
    return 1


def pwd(session: Session, args: list[str], out: list[str]) -> int:
    out.append("/\n")
    return 0


def hostname(session: Session, args: list[str], out: list[str]) -> int:
    out.append(session.pod + "\n")
    return 0


# `mkdir` and `sleep` succeed and change nothing: directories exist as soon as a file is in them,
# and an exec session does not move the sandbox clock.
COMMANDS: dict[str, Command] = {
    "echo": echo, "cat": cat, "ls": ls, "rm": rm, "touch": touch, "mkdir": succeed, "sleep": succeed,
    "true": succeed, ":": succeed, "false": fail, "pwd": pwd, "hostname": hostname,
}
