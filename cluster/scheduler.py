"""Placeholder: the scheduler (filters and least-allocated scoring) is being written."""

from cluster.actions import Action
from cluster.state import ClusterState


def reconcile(state: ClusterState) -> list[Action]:
    return []
