"""Kubernetes API latency under a live server: GET, LIST and PATCH at 1 and 10 concurrent clients.

Prints JSON: p50 and p99 in milliseconds for
- GET of one ConfigMap,
- LIST of a namespace holding 1,000 ConfigMaps, with and without a label selector (matching half),
- PATCH (JSON merge patch) of one ConfigMap's labels,
each at 1 and 10 concurrent clients. The server is what `make run` starts: Uvicorn, a Celery
worker, and Redis (REDIS_URL, or an embedded one). Targets: mutating p99 under 100 ms,
LIST p99 under 300 ms, on a 2-core machine.

    .venv/bin/python bench/api.py
    .venv/bin/python bench/api.py --server daphne     # the same against Daphne, to compare
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/api.py
"""

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-api.sqlite3'}")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.core.management import call_command  # noqa: E402

from cluster import sandboxes, store  # noqa: E402
from cluster.models import Profile, Sandbox  # noqa: E402
from web.devserver import commands, embedded_redis, processes  # noqa: E402

OBJECTS = 1000
SAMPLES = {"get": 300, "list": 40, "list_selector": 40, "patch": 300}


def seed() -> Sandbox:
    Sandbox.objects.filter(name="bench-api").delete()
    sandbox = sandboxes.create("bench-api", nodes=1, profile=Profile.FAST, speed=0)
    store.create(sandbox, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bench"}})
    for i in range(OBJECTS):
        store.create(sandbox, {"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": f"cm-{i}", "labels": {"half": "a" if i % 2 else "b"}},
                               "data": {"key": "value" * 10}}, namespace="bench")
    return sandbox


def server_argv(server: str, port: int) -> list[str]:
    if server == "uvicorn-2":  # two processes, one per core
        return [*commands.asgi_server(port), "--workers", "2"]
    if server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "web.asgi:application"]
    return commands.asgi_server(port)


def start_server(server: str, redis_url: str, logs: Path) -> tuple[list[processes.Child], str]:
    port = embedded_redis.free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "KUBELAB_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    web = processes.start("web", server_argv(server, port), env, log=(logs / "web.log").open("wb"),
                          cwd=commands.PROJECT)
    worker = processes.start("worker", commands.worker("bench", concurrency=1, loglevel="warning"), env,
                             log=(logs / "worker.log").open("wb"), cwd=commands.PROJECT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/healthz", timeout=1.0)
            return [web, worker], url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not start; see " + str(logs))


async def timed(client: httpx.AsyncClient, method: str, path: str, **kwargs: object) -> float:
    start = time.perf_counter()
    response = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code >= 400:
        raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:200]}")
    return elapsed


def request_for(kind: str, i: int) -> tuple[str, str, dict[str, object]]:
    base = "/api/v1/namespaces/bench/configmaps"
    if kind == "get":
        return "GET", f"{base}/cm-{i % OBJECTS}", {}
    if kind == "list":
        return "GET", base, {}
    if kind == "list_selector":
        return "GET", base, {"params": {"labelSelector": "half=a"}}
    body = json.dumps({"metadata": {"labels": {"touched": str(i)}}})
    return "PATCH", f"{base}/cm-{i % 50}", {"content": body,
                                            "headers": {"Content-Type": "application/merge-patch+json"}}


async def measure(url: str, token: str, kind: str, clients: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    samples: list[float] = []
    queue = list(range(SAMPLES[kind]))

    async def client_loop() -> None:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30.0) as client:
            while queue:
                method, path, kwargs = request_for(kind, queue.pop())
                samples.append(await timed(client, method, path, **kwargs))

    await asyncio.gather(*(client_loop() for _ in range(clients)))
    cuts = statistics.quantiles(samples, n=100)
    return {"p50_ms": round(statistics.median(samples), 1), "p99_ms": round(cuts[98], 1), "requests": len(samples)}


def main() -> None:
    server = sys.argv[sys.argv.index("--server") + 1] if "--server" in sys.argv else "uvicorn"
    call_command("migrate", verbosity=0)
    sandbox = seed()
    logs = Path(tempfile.mkdtemp(prefix="kubelab-bench-api-"))
    started: list[processes.Child] = []
    redis_url = os.environ.get("REDIS_URL", "")
    try:
        if not redis_url:
            redis_child, redis_url = embedded_redis.start(logs / "redis")
            started.append(redis_child)
        children, url = start_server(server, redis_url, logs)
        started += children
        results = {f"{kind}@{clients}": asyncio.run(measure(url, sandbox.token, kind, clients))
                   for clients in (1, 10) for kind in SAMPLES}
    finally:
        processes.stop(list(reversed(started)))
        Sandbox.objects.filter(pk=sandbox.pk).delete()
    print(json.dumps({"benchmark": "api", "server": server, "objects_in_namespace": OBJECTS,
                      "database": django.db.connection.vendor,
                      "targets_ms": {"mutating_p99": 100, "list_p99": 300}, "results": results}, indent=2))


if __name__ == "__main__":
    main()
