"""The reconcile loop: leases, bounded passes, wake-ups, and the simulated clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cluster import clock, reconcile, store
from cluster.actions import Update, WakeAt
from cluster.models import Sandbox
from cluster.objects import copy
from cluster.state import ClusterState


def test_it_takes_a_free_lease_and_refuses_a_held_one(sandbox: Sandbox) -> None:
    assert reconcile.acquire(sandbox.pk, "worker-a")
    assert not reconcile.acquire(sandbox.pk, "worker-b")
    reconcile.release(sandbox.pk, "worker-a")
    assert reconcile.acquire(sandbox.pk, "worker-b")


def test_an_expired_lease_can_be_taken_over(sandbox: Sandbox) -> None:
    assert reconcile.acquire(sandbox.pk, "dead-worker")
    Sandbox.objects.filter(pk=sandbox.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert reconcile.acquire(sandbox.pk, "worker-b")


def test_run_returns_false_while_another_worker_holds_the_sandbox(sandbox: Sandbox) -> None:
    reconcile.acquire(sandbox.pk, "someone-else")
    assert reconcile.run(sandbox.pk, "me") is False
    assert Sandbox.objects.get(pk=sandbox.pk).dirty


def test_run_leaves_the_sandbox_clean_and_the_lease_free(sandbox: Sandbox) -> None:
    assert reconcile.run(sandbox.pk)
    after = Sandbox.objects.get(pk=sandbox.pk)
    assert (after.dirty, after.lease_owner, after.lease_until) == (False, "", None)


def test_a_controller_that_never_settles_is_stopped(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch,
                                                     settings) -> None:
    settings.KUBELAB_MAX_PASSES = 5
    calls: list[int] = []

    def restless(state: ClusterState) -> list:
        calls.append(1)
        ns = copy(state.get("Namespace", "", "default"))
        ns["metadata"].setdefault("annotations", {})["spin"] = str(len(calls))
        return [Update(ns)]

    monkeypatch.setattr(reconcile, "CONTROLLERS", (("restless", restless),))
    Sandbox.objects.filter(pk=sandbox.pk).update(dirty=True)
    assert reconcile.run(sandbox.pk)
    assert len(calls) == 5
    assert Sandbox.objects.get(pk=sandbox.pk).dirty  # the resync comes back later rather than spinning now


def test_a_round_cut_short_leaves_the_sandbox_dirty(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-round must not leave a sandbox that looks clean."""

    def dies(state: ClusterState) -> list:
        raise KeyboardInterrupt  # stands in for a SIGKILL between two passes

    monkeypatch.setattr(reconcile, "CONTROLLERS", (("dies", dies),))
    with pytest.raises(KeyboardInterrupt):
        reconcile.run(sandbox.pk)
    assert Sandbox.objects.get(pk=sandbox.pk).dirty


def test_a_write_during_the_round_keeps_the_sandbox_dirty(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """A learner's write lands mid-round, then the round writes too: the round must not call itself clean."""
    calls: list[int] = []

    def meanwhile(state: ClusterState) -> list:
        calls.append(1)
        if len(calls) > 1:
            return []
        store.create(sandbox, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}},
                     namespace="default")
        ns = copy(state.get("Namespace", "", "default"))
        ns["metadata"].setdefault("annotations", {})["touched"] = "yes"
        return [Update(ns)]

    monkeypatch.setattr(reconcile, "CONTROLLERS", (("meanwhile", meanwhile),))
    reconcile.acquire(sandbox.pk, "me")
    reconcile.one_round(sandbox.pk, "me")
    assert Sandbox.objects.get(pk=sandbox.pk).dirty


def test_it_records_the_earliest_wake_up(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    later = clock.now(sandbox) + timedelta(seconds=30)
    monkeypatch.setattr(reconcile, "CONTROLLERS", (("sleepy", lambda state: [WakeAt(later)]),))
    reconcile.run(sandbox.pk)
    assert Sandbox.objects.get(pk=sandbox.pk).wake_at == later


def test_a_paused_clock_stands_still_and_advances_on_request(sandbox: Sandbox) -> None:
    before = clock.now(sandbox)
    assert clock.now(sandbox) == before
    clock.advance(sandbox, 40)
    assert clock.now(sandbox) - before == timedelta(seconds=40)
    assert Sandbox.objects.get(pk=sandbox.pk).dirty


def test_a_running_clock_moves_by_wall_time_times_speed(sandbox: Sandbox) -> None:
    clock.set_speed(sandbox, 10)
    sandbox.ticked_at -= timedelta(seconds=2)  # as if two wall seconds passed since the last tick
    lived = (clock.now(sandbox) - sandbox.clock).total_seconds()
    assert 20 <= lived < 21


def test_a_tick_says_when_a_wake_up_is_due(sandbox: Sandbox) -> None:
    Sandbox.objects.filter(pk=sandbox.pk).update(wake_at=clock.now(sandbox) + timedelta(seconds=5))
    sandbox.refresh_from_db()
    assert not clock.tick(sandbox)
    clock.advance(sandbox, 5)
    sandbox.refresh_from_db()
    assert clock.tick(sandbox)


def test_speeds_out_of_range_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        clock.set_speed(sandbox, -1)


def test_timestamps_come_from_the_sandbox_clock(sandbox: Sandbox) -> None:
    clock.advance(sandbox, 3600)
    sandbox.refresh_from_db()
    ns = store.create(sandbox, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "later"}})
    assert ns["metadata"]["creationTimestamp"] == clock.now(sandbox).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_clock_jump_during_the_round_keeps_the_sandbox_dirty(sandbox: Sandbox,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A learner skips ahead while a worker is mid-round: the round must not swallow the wake-up."""
    jumps: list[int] = []

    def meanwhile(state: ClusterState) -> list:
        if not jumps:
            jumps.append(1)
            clock.advance(Sandbox.objects.get(pk=sandbox.pk), 60)
        return []

    monkeypatch.setattr(reconcile, "CONTROLLERS", (("meanwhile", meanwhile),))
    reconcile.acquire(sandbox.pk, "me")
    reconcile.one_round(sandbox.pk, "me")
    assert Sandbox.objects.get(pk=sandbox.pk).dirty
