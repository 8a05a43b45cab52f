"""A classroom at once: N participants join a workshop and apply a lesson's manifest together.

Prints JSON: per participant, the seconds from joining until their sandbox converged (every
pod Running) and until the instructor dashboard showed it (p50, p95, p99, max), and the
server's peak memory (VmHWM of --server-pid). Aim: p95 under 20 s, nobody over 60 s, on 2 cores.

Runs against a live server started with `make run` on the same DATABASE_URL (the bench makes
the instructor and the workshop through the ORM, then acts over HTTP like browsers do):

    make run &   # Uvicorn + Celery workers + Redis
    DATABASE_URL=... .venv/bin/python bench/classroom.py --url http://127.0.0.1:8000 --participants 100 \
        --server-pid $(pgrep -of uvicorn)
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")

MANIFEST = {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}


def setup(participants: int) -> tuple[int, str, str]:
    import django
    django.setup()
    from django.contrib.auth import get_user_model

    from web.workshops.models import Workshop
    from web.workshops.roles import make_instructor
    name, password = f"bench-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    user = get_user_model().objects.create_user(name, password=password)
    make_instructor(user)
    workshop = Workshop.objects.create(instructor=user, title="Bench", lessons=["cluster"], capacity=participants,
                                       join_code=uuid.uuid4().hex[:6].upper())
    return workshop.pk, workshop.join_code, f"{name}:{password}"


def token_of(sandbox_name: str) -> str:
    from cluster.models import Sandbox
    return Sandbox.objects.get(name=sandbox_name).token


async def participant(url: str, code: str, number: int, results: dict[int, dict[str, Any]]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120) as browser:
        await browser.get("/join/")
        started = time.monotonic()
        joined = await browser.post("/join/", data={"code": code, "display_name": f"P{number}"},
                                    headers={"X-CSRFToken": browser.cookies["csrftoken"]}, follow_redirects=True)
        sandbox = re.search(r"/sandboxes/([a-z0-9-]+)/", joined.text)
        assert sandbox, "the participant page names the sandbox"
        token = await asyncio.to_thread(token_of, sandbox.group(1))
        api = f"/k8s/{token}/apis/apps/v1/namespaces/default/deployments"
        await browser.post(api, json=MANIFEST)
        while True:
            pods = (await browser.get(f"/k8s/{token}/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")).json()
            if len(pods["items"]) >= 3 and all(p["status"].get("phase") == "Running" for p in pods["items"]):
                break
            await asyncio.sleep(0.5)
        results[number] = {"started": started, "converged": time.monotonic() - started, "sandbox": sandbox.group(1)}


async def dashboard(url: str, pk: int, credentials: str, results: dict[int, dict[str, Any]], n: int) -> None:
    name, password = credentials.split(":")
    async with httpx.AsyncClient(base_url=url, timeout=60) as browser:
        await browser.get("/workshops/login/")
        await browser.post("/workshops/login/", data={"username": name, "password": password},
                           headers={"X-CSRFToken": browser.cookies["csrftoken"]})
        shown: set[str] = set()
        while len(shown) < n:
            rows = (await browser.get(f"/workshops/{pk}/data/")).json()["rows"]
            for row in rows:
                number = row["number"]
                if number in results and row["picture"]["pods"].get("Running", 0) >= 3 and row["sandbox"] not in shown:
                    shown.add(row["sandbox"])
                    results[number]["dashboard"] = time.monotonic() - results[number]["started"]
            await asyncio.sleep(0.5)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": round(statistics.median(ordered), 2), "p95": round(at(0.95), 2), "p99": round(at(0.99), 2),
            "max": round(ordered[-1], 2)}


def peak_memory_mb(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not pid or not status.exists():
        return None
    match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
    return round(int(match.group(1)) / 1024, 1) if match else None


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--server-pid", type=int, default=0)
    args = parser.parse_args()
    pk, code, credentials = await asyncio.to_thread(setup, args.participants)
    results: dict[int, dict[str, Any]] = {}
    watcher = asyncio.create_task(dashboard(args.url, pk, credentials, results, args.participants))
    await asyncio.gather(*(participant(args.url, code, n, results) for n in range(1, args.participants + 1)))
    await asyncio.wait_for(watcher, timeout=120)
    print(json.dumps({"participants": args.participants,
                      "converged_seconds": percentiles([r["converged"] for r in results.values()]),
                      "dashboard_seconds": percentiles([r["dashboard"] for r in results.values()]),
                      "server_peak_memory_mb": peak_memory_mb(args.server_pid)}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
