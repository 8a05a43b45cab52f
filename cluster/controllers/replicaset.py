"""Placeholder."""

from cluster.actions import Action
from cluster.state import ClusterState


def reconcile(state: ClusterState) -> list[Action]:
    return []
