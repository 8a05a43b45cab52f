"""The autoscaler's formula: ceil(pods × current / target), its 0.1 tolerance, and the conservative guesses."""

from datetime import timedelta

import pytest

from cluster.controllers import hpa_replicas as calc
from tests.builders import T0
from tests.cluster.traffic_builders import running_pod

NOW = T0 + timedelta(minutes=10)


def test_it_asks_for_the_formulas_answer() -> None:
    pods = [running_pod("web-a"), running_pod("web-b")]

    proposal = calc.utilization_replicas(2, 50, "cpu", pods, {"web-a": 150, "web-b": 150}, NOW)

    assert (proposal.replicas, proposal.utilization, proposal.average) == (6, 150, 150)


def test_it_keeps_the_count_within_the_tolerance() -> None:
    pods = [running_pod("web-a"), running_pod("web-b")]

    assert calc.utilization_replicas(2, 50, "cpu", pods, {"web-a": 54, "web-b": 54}, NOW).replicas == 2
    assert calc.utilization_replicas(2, 50, "cpu", pods, {"web-a": 56, "web-b": 56}, NOW).replicas == 3


def test_it_scales_down_by_the_same_formula() -> None:
    pods = [running_pod(f"web-{i}") for i in range(6)]

    proposal = calc.utilization_replicas(6, 50, "cpu", pods, {f"web-{i}": 10 for i in range(6)}, NOW)

    assert proposal.replicas == 2  # ceil(6 × 10 / 50)


def test_it_needs_a_cpu_request_on_every_container() -> None:
    pods = [running_pod("web-a", cpu=None)]

    with pytest.raises(calc.MetricError, match="missing request for cpu in container app of Pod web-a"):
        calc.utilization_replicas(1, 50, "cpu", pods, {"web-a": 10}, NOW)


def test_it_counts_unready_pods_as_idle_when_scaling_up() -> None:
    pods = [running_pod("web-a"), running_pod("web-b"), running_pod("web-c", since=NOW - timedelta(seconds=5))]

    proposal = calc.utilization_replicas(3, 100, "cpu", pods, {"web-a": 150, "web-b": 150, "web-c": 150}, NOW)

    # Without web-c: ceil(2 × 1.5) = 3 already; with web-c at 0 the ratio is 1.0, within tolerance.
    assert proposal.replicas == 3


def test_it_counts_pods_without_metrics_at_their_request_when_scaling_down() -> None:
    pods = [running_pod("web-a"), running_pod("web-b"), running_pod("web-c")]

    proposal = calc.utilization_replicas(3, 50, "cpu", pods, {"web-a": 10, "web-b": 10}, NOW)

    assert proposal.replicas == 3  # ceil(3 × 40/50): not the 1 the two measured pods alone suggest


def test_it_reports_when_no_pod_has_metrics() -> None:
    with pytest.raises(calc.MetricError, match="no metrics returned from resource metrics API"):
        calc.utilization_replicas(2, 50, "cpu", [running_pod("web-a")], {}, NOW)


def test_it_scales_on_an_average_value_target() -> None:
    pods = [running_pod("web-a"), running_pod("web-b")]

    proposal = calc.average_value_replicas(2, 100, "cpu", pods, {"web-a": 300, "web-b": 300}, NOW)

    assert (proposal.replicas, proposal.average) == (6, 300)
