"""Smoke test of `make run`'s launcher: everything starts, the page answers, SIGTERM leaves nothing behind.

It runs `python -m web.devserver` (what `make run` runs once the virtualenv is installed) on a
free port, with no `REDIS_URL` (so it starts its embedded Redis) and a throwaway SQLite file.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from web.devserver import commands, embedded_redis

STARTUP_SECONDS = 90.0
SHUTDOWN_SECONDS = 30.0

pytestmark = pytest.mark.live


def launch(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KUBELAB_PUBLIC_URL")}
    env.update(PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "web.devserver"], cwd=commands.PROJECT, env=env, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def collect(stream: subprocess.Popen[str], lines: list[str]) -> threading.Thread:
    def read() -> None:
        assert stream.stdout is not None
        lines.extend(iter(stream.stdout.readline, ""))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def processes_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group), read from /proc."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited while we looked
        table[int(stat.parent.name)] = (int(fields[1]), int(fields[2]))
    return table


def descendants(root: int) -> set[int]:
    table = processes_table()
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def survivors(pids: set[int], groups: set[int]) -> set[int]:
    return {pid for pid, (_, group) in processes_table().items() if pid in pids or group in groups}


def wait_until_serving(url: str, launcher: subprocess.Popen[str], output: list[str]) -> httpx.Response:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert launcher.poll() is None, "".join(output)
        try:
            response = httpx.get(url, timeout=2.0)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        if any(" ready." in line for line in output):  # the worker too, so shutdown meets a busy one
            return response
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {STARTUP_SECONDS:.0f}s\n{''.join(output)}")


def test_it_starts_everything_and_stops_it_on_sigterm(tmp_path: Path) -> None:
    port = embedded_redis.free_port()
    output: list[str] = []
    launcher = launch(tmp_path, port)
    reader = collect(launcher, output)
    try:
        response = wait_until_serving(f"http://127.0.0.1:{port}/", launcher, output)
        children = descendants(launcher.pid)
        groups = {processes_table()[pid][1] for pid in children if pid in processes_table()}
        started = " ".join(command_line(pid) for pid in children)
        launcher.send_signal(signal.SIGTERM)
        code = launcher.wait(timeout=SHUTDOWN_SECONDS)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
    reader.join(timeout=5)

    assert response.status_code == 200
    assert all(word in started for word in ("redis-server", "uvicorn", "worker", "beat")), started
    assert f"http://127.0.0.1:{port}/sandboxes/demo/" in "".join(output)
    assert code == 0, "".join(output)
    assert survivors(children, groups) == set(), "".join(output)
