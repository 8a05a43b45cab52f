"""Stabilization windows, scaling policies and min/max: how the formula's answer is tempered."""

from datetime import timedelta

from cluster.controllers import hpa_behavior as behavior
from cluster.controllers.hpa_behavior import History
from cluster.kinds.hpa import SCALE_DOWN, SCALE_UP
from tests.builders import T0

DEFAULTS = {"scaleUp": SCALE_UP, "scaleDown": {**SCALE_DOWN, "stabilizationWindowSeconds": 300}}


def test_it_keeps_the_highest_recommendation_of_the_last_five_minutes() -> None:
    history = History(recommendations=[(T0, 6)])

    held = behavior.normalize_default(history, 6, 2, 1, 10, T0 + timedelta(seconds=300))
    released = behavior.normalize_default(History(recommendations=[(T0, 6)]), 6, 2, 1, 10,
                                          T0 + timedelta(seconds=301))

    assert (held.replicas, held.able_reason) == (6, "ScaleDownStabilized")
    assert (released.replicas, released.able_reason) == (2, "ReadyForNewScale")


def test_it_remembers_each_recommendation() -> None:
    history = History()

    behavior.normalize_default(history, 2, 6, 1, 10, T0)

    assert history.recommendations == [(T0, 6)]


def test_it_at_most_doubles_per_sync_without_behavior() -> None:
    result = behavior.normalize_default(History(), 2, 10, 1, 10, T0)

    assert (result.replicas, result.limited, result.limited_reason) == (4, True, "ScaleUpLimit")


def test_it_clamps_to_min_and_max() -> None:
    too_many = behavior.normalize_default(History(), 4, 8, 1, 5, T0)
    too_few = behavior.normalize_default(History(), 1, 0, 1, 5, T0)

    assert (too_many.replicas, too_many.limited_reason) == (5, "TooManyReplicas")
    assert (too_few.replicas, too_few.limited_reason) == (1, "TooFewReplicas")


def test_it_applies_the_larger_of_the_default_scale_up_policies() -> None:
    result = behavior.normalize_with_behavior(History(), DEFAULTS, 2, 20, 1, 50, T0)

    assert (result.replicas, result.limited_reason) == (6, "ScaleUpLimit")  # +4 pods beats +100%


def test_it_counts_what_was_added_earlier_in_the_policy_period() -> None:
    history = History()
    behavior.record_scale(history, DEFAULTS, 2, 6, T0)

    within = behavior.normalize_with_behavior(history, DEFAULTS, 6, 20, 1, 50, T0 + timedelta(seconds=10))
    after = behavior.normalize_with_behavior(history, DEFAULTS, 6, 20, 1, 50, T0 + timedelta(seconds=16))

    assert within.replicas == 6
    assert after.replicas == 12  # +100% of 6 beats +4


def test_it_limits_scale_down_by_a_pods_policy() -> None:
    rules = {"scaleUp": SCALE_UP, "scaleDown": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                                                "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}

    result = behavior.normalize_with_behavior(History(), rules, 5, 1, 1, 10, T0)

    assert (result.replicas, result.limited_reason) == (4, "ScaleDownLimit")


def test_it_does_not_scale_when_the_policy_is_disabled() -> None:
    rules = {**DEFAULTS, "scaleDown": {**DEFAULTS["scaleDown"], "stabilizationWindowSeconds": 0,
                                       "selectPolicy": "Disabled"}}

    assert behavior.normalize_with_behavior(History(), rules, 5, 1, 1, 10, T0).replicas == 5


def test_it_round_trips_its_memory_through_the_annotation() -> None:
    history = History(T0, [(T0, 3)], [(T0, 1)], [])

    restored = History.of({"metadata": {"annotations": {behavior.HISTORY_ANNOTATION: history.to_json()}}})

    assert restored == history
