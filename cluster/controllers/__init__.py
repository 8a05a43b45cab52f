"""The controllers, in the order a reconcile pass runs them.

Each is a pure function `reconcile(state) -> list[Action]`: it compares what the objects
ask for with what exists and returns what to change. Run twice on the same state, the
second run returns nothing. None of them imports Django, Celery or Channels.
"""

from collections.abc import Callable

from cluster import kubelet, scheduler
from cluster.actions import Action
from cluster.controllers import events, garbage_collector, namespace, replicaset, serviceaccount
from cluster.state import ClusterState

Controller = Callable[[ClusterState], list[Action]]

# Owners before what they own, the scheduler before the kubelet: a pass then carries a new
# ReplicaSet's pods from creation to running instead of needing a pass per step.
CONTROLLERS: tuple[tuple[str, Controller], ...] = (
    ("namespace", namespace.reconcile),
    ("serviceaccount", serviceaccount.reconcile),
    ("garbage-collector", garbage_collector.reconcile),
    ("replicaset", replicaset.reconcile),
    ("scheduler", scheduler.reconcile),
    ("kubelet", kubelet.reconcile),
    ("event-ttl", events.reconcile),
)
