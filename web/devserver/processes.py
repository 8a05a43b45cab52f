"""Child processes that can be stopped without leaving anything behind.

Each child starts as the leader of its own process group, so stopping it reaches whatever it
forked too (Celery's pool processes, Uvicorn's reloader). A group of its own also keeps the
terminal's Ctrl-C away from the children: the launcher receives it and stops them in order,
rather than every process racing to exit at once. Stopping is polite first (SIGTERM, so
Celery finishes or requeues its task), then forceful once the grace period is over.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GRACE_SECONDS = 10.0


@dataclass
class Child:
    name: str
    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None


def start(name: str, argv: Sequence[str], env: Mapping[str, str], log: IO[bytes] | None = None,
          cwd: Path | None = None) -> Child:
    """Start `argv` in a new process group; its output goes to `log`, or to stdout prefixed with `name`."""
    target = log if log is not None else subprocess.PIPE
    popen = subprocess.Popen(list(argv), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=target,
                             stderr=subprocess.STDOUT, process_group=0)
    child = Child(name, popen)
    if log is None:
        threading.Thread(target=relay, args=(child,), daemon=True, name=f"relay-{name}").start()
    return child


def relay(child: Child) -> None:
    """Copy a child's output to our stdout, each line prefixed with its name, as Procfile runners do."""
    assert child.popen.stdout is not None
    prefix = f"{child.name:>6} | ".encode()
    for line in iter(child.popen.stdout.readline, b""):
        sys.stdout.buffer.write(prefix + line)
        sys.stdout.flush()


def signal_group(child: Child, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # the whole group is gone already


def stop(children: Sequence[Child], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM every child's group, wait up to `grace` seconds, then SIGKILL what is left of each group."""
    for child in children:
        signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.popen.wait(timeout=max(deadline - time.monotonic(), 0.0))
        except subprocess.TimeoutExpired:
            pass
    kill(children)


def kill(children: Sequence[Child]) -> None:
    """SIGKILL each child's whole group (a leader that exited may have left forked members) and reap it."""
    for child in children:
        signal_group(child, signal.SIGKILL)
        child.popen.wait()
