"""`make run`: KubeLab on one machine, in one foreground command.

1. Starts an embedded Redis when `REDIS_URL` is unset, and waits until it answers PING,
   since every other process connects to it at start.
2. Migrates the database and creates the `demo` sandbox (three nodes, realistic delays,
   the clock running at 1x) if it does not exist yet.
3. Prints where to look, then runs the ASGI server, a Celery worker and Celery beat.
4. On Ctrl-C or SIGTERM, or when any of them exits, stops them all, Redis last.
"""

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from web.devserver import commands, embedded_redis, processes

DEMO = "demo"
VAR = commands.PROJECT / "var"


def port_from(env: dict[str, str]) -> int:
    value = env.get("PORT") or "8000"
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SystemExit(f"Unexpected value PORT={value!r}; use a TCP port number such as 8000")
    return int(value)


def prepare(env: dict[str, str]) -> None:
    """Bring the database up to date and make sure the demo sandbox exists."""
    subprocess.run(commands.manage("migrate", "--noinput", "-v", "0"), env=env, check=True)
    subprocess.run(commands.manage("sandbox", "create", DEMO, "--nodes", "3", "--profile", "realistic",
                                   "--exist-ok"), env=env, check=True)


def banner(env: dict[str, str]) -> str:
    url = env["KUBELAB_PUBLIC_URL"].rstrip("/")
    return (f"\nKubeLab is starting.\n"
            f"  Open             {url}/\n"
            f"  Demo sandbox     {url}/sandboxes/{DEMO}/\n"
            f"  Point kubectl    python manage.py kubeconfig {DEMO} > {DEMO}.kubeconfig\n"
            f"                   export KUBECONFIG=$PWD/{DEMO}.kubeconfig; kubectl get nodes\n"
            f"Press Ctrl-C to stop.\n")


def start_services(env: dict[str, str], port: int) -> list[processes.Child]:
    VAR.mkdir(exist_ok=True)
    return [
        processes.start("web", commands.asgi_server(port), env, cwd=commands.PROJECT),
        processes.start("worker", commands.worker("worker1", concurrency=2), env, cwd=commands.PROJECT),
        processes.start("beat", commands.beat(VAR / "celerybeat-schedule"), env, cwd=commands.PROJECT),
    ]


def supervise(children: Sequence[processes.Child], stopping: threading.Event) -> int:
    """Wait for a stop signal or for a child to exit; return the launcher's exit code."""
    while not stopping.wait(0.2):
        for child in children:
            if not child.running():
                print(f"{child.name} exited with code {child.popen.returncode}; stopping the others", flush=True)
                return child.popen.returncode or 1
    print("Stopping...", flush=True)
    return 0


def run(env: dict[str, str], stopping: threading.Event) -> int:
    port = port_from(env)
    env["PORT"] = str(port)
    env.setdefault("KUBELAB_PUBLIC_URL", f"http://127.0.0.1:{port}")
    redis: list[processes.Child] = []
    try:
        if not env.get("REDIS_URL"):
            child, env["REDIS_URL"] = embedded_redis.start(VAR / "redis")
            redis.append(child)
            print(f"Embedded Redis on {env['REDIS_URL']} (pid {child.pid})", flush=True)
        prepare(env)
        return serve(env, port, stopping)
    finally:
        processes.stop(redis)


def serve(env: dict[str, str], port: int, stopping: threading.Event) -> int:
    if stopping.is_set():
        return 0
    print(banner(env), flush=True)
    children = start_services(env, port)
    try:
        return supervise(children, stopping)
    finally:
        processes.stop(children)


def main() -> int:
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    os.chdir(commands.PROJECT)
    try:
        return run(dict(os.environ), stopping)
    except subprocess.CalledProcessError as error:
        print(f"{Path(error.cmd[1]).name} {' '.join(error.cmd[2:])} failed with code {error.returncode}",
              file=sys.stderr)
        return error.returncode


if __name__ == "__main__":
    sys.exit(main())
