"""The whole loop with real parts: a live worker, real Redis, the database.

A write through the store is announced after commit, a Celery worker picks the sandbox
up, and the controllers, scheduler and kubelet bring it to the desired state.
"""

import time
from collections import Counter
from collections.abc import Callable

import pytest

from cluster import sandboxes, store
from cluster.models import KubeObject, Profile, Sandbox
from tests.live.harness import LiveCluster

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def replicaset(replicas: int, cpu: str = "100m") -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                                           "resources": {"requests": {"cpu": cpu}}}]}}}}


def pods(sandbox: Sandbox) -> list[dict]:
    return list(KubeObject.objects.filter(sandbox=sandbox, kind="Pod").values_list("body", flat=True))


def running(sandbox: Sandbox) -> list[dict]:
    return [p for p in pods(sandbox) if p.get("status", {}).get("phase") == "Running"]


def describe(sandbox: Sandbox) -> str:
    """What the sandbox looks like, for a failure message."""
    state = Sandbox.objects.get(pk=sandbox.pk)
    lines = [f"dirty={state.dirty} lease={state.lease_owner!r} rv={state.resource_version}"]
    lines += [f"{p['metadata']['name']} {p.get('status', {}).get('phase')} {p['spec'].get('nodeName')}"
              for p in pods(sandbox)]
    return "\n".join(lines)


def test_it_runs_six_replicas_two_per_node(live_cluster: LiveCluster) -> None:
    sandbox = sandboxes.create("spread", nodes=3, profile=Profile.FAST, speed=0)
    store.create(sandbox, replicaset(6), namespace="default")

    assert wait_until(lambda: len(running(sandbox)) == 6, seconds=20), describe(sandbox)
    per_node = Counter(p["spec"]["nodeName"] for p in running(sandbox))
    assert sorted(per_node.values()) == [2, 2, 2]
    assert len(pods(sandbox)) == 6


def test_a_worker_killed_mid_round_loses_nothing(live_cluster: LiveCluster) -> None:
    """SIGKILL the worker while it reconciles 50 replicas; a new worker finishes the job exactly."""
    live_cluster.start_beat()  # the periodic resync is what hands the dirty sandbox over
    sandbox = sandboxes.create("kill", nodes=3, profile=Profile.FAST, speed=0)
    assert wait_until(lambda: not Sandbox.objects.get(pk=sandbox.pk).dirty, seconds=20)
    store.create(sandbox, replicaset(50, cpu="10m"), namespace="default")

    def mid_round() -> bool:
        lease = Sandbox.objects.filter(pk=sandbox.pk).values_list("lease_owner", flat=True).first()
        return bool(lease) and 0 < len(pods(sandbox))

    assert wait_until(mid_round, seconds=20), "the worker never started on the sandbox"
    live_cluster.kill_worker()
    at_kill = len(running(sandbox))
    live_cluster.start_worker()
    started = time.monotonic()

    assert wait_until(lambda: len(running(sandbox)) == 50, seconds=10), (
        f"{len(running(sandbox))} of 50 Running 10 s after the restart ({at_kill} when killed)")
    assert time.monotonic() - started <= 10
    names = [p["metadata"]["name"] for p in pods(sandbox)]
    assert len(names) == len(set(names)) == 50
    owners = Counter(p["metadata"]["ownerReferences"][0]["name"] for p in pods(sandbox))
    assert owners == {"web": 50}
