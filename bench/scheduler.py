"""Benchmark the scheduler on one in-memory cluster: 100 nodes, 2,000 pending pods.

The nodes differ in size, zone and disk; a tenth carry a `dedicated=gpu:NoSchedule` taint and
a few are NotReady. The pods differ in requests, and some tolerate the taint, select a disk
type or require zones through node affinity, so every filter and the scoring do real work.

Prints JSON: pods scheduled per second over a whole `reconcile` call (snapshot, queue sort,
every decision), and the latency of single decisions (p50, p99, max) with pods bound earlier
in the pass counted. No database is needed.

    .venv/bin/python bench/scheduler.py [--nodes 100] [--pods 2000] [--seed 1]
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster import scheduler  # noqa: E402
from cluster.actions import Update  # noqa: E402
from cluster.objects import Obj, rfc3339  # noqa: E402
from cluster.scheduling.nodes import snapshot  # noqa: E402
from cluster.scheduling.pods import PodInfo, is_pending, queue_order  # noqa: E402
from cluster.state import ClusterState  # noqa: E402
from tests.builders import T0, new_node, new_pod  # noqa: E402

GPU_TAINT = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}


def nodes(count: int, rng: random.Random) -> list[Obj]:
    made = []
    for i in range(count):
        cpu, memory = rng.choice([("4", "8Gi"), ("8", "16Gi"), ("16", "32Gi")])
        labels = {"topology.kubernetes.io/zone": rng.choice("abc"), "disktype": rng.choice(["ssd", "hdd"])}
        made.append(new_node(f"node-{i:03}", cpu=cpu, memory=memory, labels=labels, ready=rng.random() > 0.03,
                             taints=[GPU_TAINT] if i % 10 == 0 else None))
    return made


def pods(count: int, rng: random.Random) -> list[Obj]:
    made = []
    for i in range(count):
        spec: dict[str, Any] = {}
        if rng.random() < 0.1:
            spec["tolerations"] = [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]
        if rng.random() < 0.2:
            spec["nodeSelector"] = {"disktype": "ssd"}
        if rng.random() < 0.2:
            spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a", "b"]}]}]}}}
        pod = new_pod(f"web-{i:05}", cpu=f"{rng.choice([250, 500, 750, 1000])}m",
                      memory=f"{rng.choice([256, 512, 1024, 2048])}Mi", **spec)
        pod["metadata"]["creationTimestamp"] = rfc3339(T0.replace(second=i % 60, minute=i // 60 % 60))
        made.append(pod)
    return made


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def decisions(state: ClusterState) -> list[float]:
    """Each decision's latency in ms, in queue order, against one snapshot kept up to date."""
    infos = snapshot(state)
    latencies = []
    for pod in sorted(filter(is_pending, state.of_kind("Pod")), key=queue_order):
        start = time.perf_counter()
        scheduler.schedule_one(PodInfo.of(pod), infos, state.now)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    state = ClusterState([*nodes(args.nodes, rng), *pods(args.pods, rng)], now=T0)

    start = time.perf_counter()
    actions = scheduler.reconcile(state)
    elapsed = time.perf_counter() - start
    bound = sum(1 for a in actions if isinstance(a, Update) and a.obj["spec"].get("nodeName"))
    latencies = decisions(state)
    print(json.dumps({
        "nodes": args.nodes, "pods": args.pods, "bound": bound, "unschedulable": args.pods - bound,
        "reconcile_seconds": round(elapsed, 3), "pods_per_second": round(args.pods / elapsed, 1),
        "decision_ms": {"p50": round(statistics.median(latencies), 3), "p99": round(percentile(latencies, 0.99), 3),
                        "max": round(max(latencies), 3)},
    }, indent=2))


if __name__ == "__main__":
    main()
