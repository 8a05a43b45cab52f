"""How fast a ReplicaSet converges: from create to every pod Running, on one sandbox (fast profile).

Prints JSON. For each N it times the whole pipeline in one process, the way a Celery
worker runs it (create the ReplicaSet through the store, then reconcile rounds: the
controller creates pods, the scheduler binds them, the kubelet walks each through its
stages, events are recorded, every write lands in the watch log and is announced), and,
as the floor to compare against, N plain KubeObject inserts made one by one.

    .venv/bin/python bench/converge.py            # N = 10, 100, 1000 on the configured database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/converge.py

Without DATABASE_URL it uses a throwaway SQLite file under var/.
"""

import json
import math
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.pop("REDIS_URL", None)  # measure the pipeline itself, not a broker round trip
# A 1,000-replica sandbox is past the classroom quota (cluster/quota.py); the benchmark lifts it.
os.environ.setdefault("KUBELAB_QUOTA_PODS", "5000")
os.environ.setdefault("KUBELAB_QUOTA_NODES", "100")
os.environ.setdefault("KUBELAB_QUOTA_OBJECTS", "20000")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from cluster import reconcile, sandboxes, store  # noqa: E402
from cluster.models import KubeObject, Profile, Sandbox  # noqa: E402

# The reconcile loop is driven here directly, as a worker would; no broker round trips.
settings.CELERY_TASK_ALWAYS_EAGER = False
import cluster.announce  # noqa: E402

cluster.announce.enqueue_reconcile = lambda sandbox_id: None


def replicaset(replicas: int) -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                                           "resources": {"requests": {"cpu": "10m"}}}]}}}}


def running(sandbox: Sandbox) -> int:
    return sum(1 for body in KubeObject.objects.filter(sandbox=sandbox, kind="Pod").values_list("body", flat=True)
               if body.get("status", {}).get("phase") == "Running")


def converge(n: int) -> float:
    name = f"bench-{n}"
    Sandbox.objects.filter(name=name).delete()
    sandbox = sandboxes.create(name, nodes=max(3, math.ceil(n / 100)), profile=Profile.FAST, speed=0)
    reconcile.run(sandbox.pk)  # register the nodes before the clock starts
    start = time.perf_counter()
    store.create(sandbox, replicaset(n), namespace="default")
    reconcile.run(sandbox.pk)
    elapsed = time.perf_counter() - start
    if running(sandbox) != n:
        raise SystemExit(f"only {running(sandbox)} of {n} pods Running")
    sandbox.delete()
    return elapsed


def insert_floor(n: int) -> float:
    """N raw rows, one INSERT each in its own transaction: the cheapest possible write per object."""
    sandbox = sandboxes.create("bench-floor", nodes=0, profile=Profile.FAST, speed=0)
    body = replicaset(1)["spec"]["template"]
    start = time.perf_counter()
    for i in range(n):
        KubeObject.objects.create(sandbox=sandbox, version="v1", kind="Pod", namespace="default", name=f"p{i}",
                                  uid=str(uuid.uuid4()), resource_version=i, body=body)
    elapsed = time.perf_counter() - start
    sandbox.delete()
    return elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    Sandbox.objects.filter(name="bench-floor").delete()
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100, 1000]
    results = []
    for n in sizes:
        pipeline, floor = converge(n), insert_floor(n)
        results.append({"replicas": n, "seconds_to_all_running": round(pipeline, 3),
                        "pods_per_second": round(n / pipeline, 1),
                        "single_insert_floor_seconds": round(floor, 3),
                        "ratio_per_pod": round(pipeline / floor, 1)})
    print(json.dumps({"benchmark": "converge", "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                      "targets": {"seconds_0_to_100": 2.0, "max_ratio_per_pod": 15},
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
