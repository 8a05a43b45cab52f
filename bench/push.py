"""Live push latency: from a write to the WebSocket message that carries it.

100 sandboxes each have one browser-like WebSocket client connected to a live Uvicorn (the
sandbox page's socket, with the Redis channel layer). Writer processes change ConfigMaps
across the sandboxes, aiming at 1,000 changes per second in total, through `cluster.store`
(the API's own write path: transaction, watch log, announcement after commit). Each writer
reports when each change committed (sandbox, resourceVersion, wall time); each client notes
when the batch carrying it arrived. The delay is the difference: from the write being
acknowledged to the browser holding it. Prints JSON: p50, p95, p99 and max in milliseconds,
the write rate reached and the changes delivered. Aim: p95 under 15 ms.

    .venv/bin/python bench/push.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/push.py --seconds 20
"""

import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-push.sqlite3'}")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
import websockets  # noqa: E402
from django.core.management import call_command  # noqa: E402

from web.devserver import commands, embedded_redis, processes  # noqa: E402

SANDBOXES = 100
RATE = 1000  # changes per second, in total
WRITERS = 6  # processes sharing the rate (one write costs a few milliseconds of database time)
STAMP = "bench.kubelab.io/written-at"
PREFIX = "bench-push-"


def seed() -> list[str]:
    from cluster import sandboxes, store
    from cluster.models import Profile, Sandbox

    Sandbox.objects.filter(name__startswith=PREFIX).delete()
    names = []
    for i in range(SANDBOXES):
        sandbox = sandboxes.create(f"{PREFIX}{i}", nodes=0, profile=Profile.FAST, speed=0)
        store.create(sandbox, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "target"}},
                     namespace="default")
        names.append(sandbox.name)
    return names


def write(names: list[str], rate: float, until: float, redis_url: str, commits: Any) -> None:
    """One writer process: change a ConfigMap in each sandbox in turn, paced to `rate` per second."""
    from django.test import override_settings

    from cluster import kinds, store
    from cluster.models import Sandbox
    from web.celery import app

    layers = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                          "CONFIG": {"hosts": [redis_url]}}}
    # Reconcile tasks go to the broker, as from the API server, not run inline (no worker takes
    # them here: ConfigMaps need no controller, and the bench measures the push path alone).
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    with override_settings(CHANNEL_LAYERS=layers, REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url,
                           CELERY_TASK_ALWAYS_EAGER=False):
        sandboxes = list(Sandbox.objects.filter(name__in=names))
        kind = kinds.by_kind("", "ConfigMap")
        assert kind is not None
        start, count, done = time.monotonic(), 0, []
        while time.time() < until:
            sandbox = sandboxes[count % len(sandboxes)]
            changed = store.patch(sandbox, kind, "default", "target", lambda obj: _stamped(obj, repr(time.time())))
            done.append((sandbox.name, int(changed["metadata"]["resourceVersion"]), time.time()))
            count += 1
            time.sleep(max(0.0, start + count / rate - time.monotonic()))
        commits.put(done)


def _stamped(obj: dict, stamp: str) -> dict:
    obj["metadata"].setdefault("annotations", {})[STAMP] = stamp
    return obj


async def listen(url: str, name: str, arrivals: dict[tuple[str, int], float], ready: asyncio.Event,
                 until: float) -> None:
    async with websockets.connect(f"{url}/ws/sandboxes/{name}/", max_size=None) as socket:
        ready.set()
        while time.time() < until + 2:
            try:
                raw = await asyncio.wait_for(socket.recv(), timeout=1.0)
            except TimeoutError:
                continue
            received = time.time()
            for event in json.loads(raw).get("events", []):
                arrivals[(name, int(event["object"]["metadata"]["resourceVersion"]))] = received


def start_server(redis_url: str, logs: Path) -> tuple[processes.Child, str]:
    port = embedded_redis.free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "KUBELAB_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    web = processes.start("web", commands.asgi_server(port), env, log=(logs / "web.log").open("wb"),
                          cwd=commands.PROJECT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return web, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not start; see {logs}")


async def run(url: str, names: list[str], redis_url: str) -> tuple[list[float], float, float]:
    arrivals: dict[tuple[str, int], float] = {}
    readies = [asyncio.Event() for _ in names]
    begin = time.time() + 3  # connect everyone first
    until = begin + SECONDS
    socket_url = url.replace("http://", "ws://")
    listeners = [asyncio.create_task(listen(socket_url, name, arrivals, ready, until))
                 for name, ready in zip(names, readies, strict=True)]
    await asyncio.gather(*(ready.wait() for ready in readies))
    await asyncio.sleep(max(0.0, begin - time.time()))
    context = multiprocessing.get_context("spawn")
    commits = context.Queue()
    writers = [context.Process(target=write, args=(names[i::WRITERS], RATE / WRITERS, until, redis_url, commits))
               for i in range(WRITERS)]
    for writer in writers:
        writer.start()
    await asyncio.gather(*listeners)
    committed = [change for _ in writers for change in commits.get()]
    for writer in writers:
        writer.join()
    delays = [(arrivals[(name, rv)] - at) * 1000 for name, rv, at in committed if (name, rv) in arrivals]
    return delays, len(committed) / SECONDS, len(delays) / SECONDS


def summary(delays: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(delays, n=100)
    return {"p50_ms": round(statistics.median(delays), 1), "p95_ms": round(cuts[94], 1),
            "p99_ms": round(cuts[98], 1), "max_ms": round(max(delays), 1)}


def main() -> None:
    from cluster.models import Sandbox

    call_command("migrate", verbosity=0)
    names = seed()
    logs = Path(tempfile.mkdtemp(prefix="kubelab-bench-push-"))
    started: list[processes.Child] = []
    redis_url = os.environ.get("REDIS_URL", "")
    try:
        if not redis_url:
            redis_child, redis_url = embedded_redis.start(logs / "redis")
            started.append(redis_child)
        web, url = start_server(redis_url, logs)
        started.append(web)
        delays, rate, delivered = asyncio.run(run(url, names, redis_url))
    finally:
        processes.stop(list(reversed(started)))
        Sandbox.objects.filter(name__startswith=PREFIX).delete()
    print(json.dumps({"benchmark": "push", "sandboxes": SANDBOXES, "target_rate_per_s": RATE,
                      "written_per_s": round(rate, 1), "delivered_per_s": round(delivered, 1), "seconds": SECONDS,
                      "database": django.db.connection.vendor, "target_p95_ms": 15,
                      "results": summary(delays) if delays else {}}, indent=2))


SECONDS = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 10.0

if __name__ == "__main__":
    main()
