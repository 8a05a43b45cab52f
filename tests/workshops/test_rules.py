"""The pure rules: stuck detection, the sandbox picture, join codes, the rate limit's bucket."""

from typing import Any

from web.workshops import codes
from web.workshops.picture import picture
from web.workshops.ratelimit import Bucket
from web.workshops.stuck import Stuck, Thresholds, stuck


def test_it_is_not_stuck_when_the_step_passed() -> None:
    assert stuck(10_000, 10, passed=True) == Stuck.NO


def test_it_is_stuck_after_minutes_without_progress() -> None:
    assert stuck(299, 0, passed=False, limits=Thresholds(minutes=5)) == Stuck.NO
    assert stuck(300, 0, passed=False, limits=Thresholds(minutes=5)) == Stuck.IDLE


def test_it_is_stuck_when_the_check_keeps_failing() -> None:
    assert stuck(10, 3, passed=False, limits=Thresholds(repeats=3)) == Stuck.FAILING


def test_it_pictures_nodes_and_pods_by_phase() -> None:
    ready = {"metadata": {"name": "node-1"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    crashed = {"metadata": {"name": "node-2", "annotations": {"kubelab.io/state": "crashed"}}, "status": {}}
    running: dict[str, Any] = {"metadata": {}, "status": {"phase": "Running"}}
    leaving: dict[str, Any] = {"metadata": {"deletionTimestamp": "x"}, "status": {"phase": "Running"}}
    pods: list[dict[str, Any]] = [running, running, leaving, {"metadata": {}}]
    drawn = picture([crashed, ready], pods)
    assert drawn["nodes"] == [{"name": "node-1", "ready": True, "kubelet": "running"},
                              {"name": "node-2", "ready": False, "kubelet": "crashed"}]
    assert drawn["pods"] == {"Pending": 1, "Running": 2, "Terminating": 1}


def test_it_makes_codes_readable_off_a_projector() -> None:
    code = codes.new_code()
    assert len(code) == 6 and not set(code) & set("01OIL")
    assert codes.normalized(" abc-234 ") == "ABC234"


def test_it_empties_the_bucket_and_refills_it_with_time() -> None:
    bucket = Bucket(tokens=2, at=0.0)
    assert bucket.take(0.0, rate=1, burst=2) and bucket.take(0.0, rate=1, burst=2)
    assert not bucket.take(0.0, rate=1, burst=2)
    assert bucket.take(1.0, rate=1, burst=2)
