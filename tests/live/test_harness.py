"""The live harness itself: its server answers, its worker consumes what this process enqueues."""

import time
from collections.abc import Callable

import httpx
import pytest

from cluster import sandboxes, tasks
from cluster.models import Profile, Sandbox
from tests.live.harness import LiveCluster

DEADLINE = 10.0

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def wait_until(condition: Callable[[], bool], seconds: float = DEADLINE) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def is_clean(sandbox: Sandbox) -> bool:
    return not Sandbox.objects.get(pk=sandbox.pk).dirty


def test_it_serves_http(live_cluster: LiveCluster) -> None:
    response = httpx.get(f"{live_cluster.url}/", timeout=5.0)

    assert response.status_code < 500


def test_it_reconciles_in_the_worker(live_cluster: LiveCluster) -> None:
    sandbox = sandboxes.create("live", nodes=1, profile=Profile.FAST, speed=0)
    Sandbox.objects.filter(pk=sandbox.pk).update(dirty=True)

    sent = tasks.reconcile.delay(sandbox.pk)

    assert wait_until(lambda: is_clean(sandbox))
    assert wait_until(lambda: sent.id in live_cluster.log_tail(lines=400))


def test_it_replaces_a_killed_worker(live_cluster: LiveCluster) -> None:
    first = live_cluster.workers[0]
    live_cluster.kill_worker()
    second = live_cluster.start_worker()
    sandbox = sandboxes.create("after-kill", nodes=1, profile=Profile.FAST, speed=0)
    Sandbox.objects.filter(pk=sandbox.pk).update(dirty=True)

    tasks.reconcile.delay(sandbox.pk)

    assert not first.running()
    assert wait_until(lambda: is_clean(sandbox))
    assert second.running()
