"""The controllers, in the order a reconcile pass runs them.

Each is a pure function `reconcile(state) -> list[Action]`: it compares what the objects
ask for with what exists and returns what to change. Run twice on the same state, the
second run returns nothing. None of them imports Django, Celery or Channels.
"""

from collections.abc import Callable

from cluster import kubelet, scheduler
from cluster.actions import Action
from cluster.controllers import (
    cronjob,
    daemonset,
    deployment,
    disruption,
    endpoints,
    endpointslice,
    events,
    garbage_collector,
    hpa,
    job,
    namespace,
    node_lifecycle,
    replicaset,
    replication,
    service_lb,
    serviceaccount,
    statefulset,
    taint_eviction,
    traffic,
    volume_binding,
)
from cluster.state import ClusterState

Controller = Callable[[ClusterState], list[Action]]

# Owners before what they own, the scheduler before the kubelet: a pass then carries a new
# ReplicaSet's pods from creation to running instead of needing a pass per step.
CONTROLLERS: tuple[tuple[str, Controller], ...] = (
    ("namespace", namespace.reconcile),
    ("serviceaccount", serviceaccount.reconcile),
    ("garbage-collector", garbage_collector.reconcile),
    # A node gone silent is marked and tainted, its pods evicted, before ReplicaSets count them.
    ("node-lifecycle", node_lifecycle.reconcile),
    ("taint-eviction", taint_eviction.reconcile),
    # The autoscaler sets a workload's replicas before its controller acts on them.
    ("horizontal-pod-autoscaler", hpa.reconcile),
    ("deployment", deployment.reconcile),
    ("replication-controller", replication.reconcile),
    # A CronJob's new Job gets its pods in the same pass.
    ("cronjob", cronjob.reconcile),
    ("job", job.reconcile),
    ("ttl-after-finished", job.ttl.reconcile),
    ("replicaset", replicaset.reconcile),
    ("daemonset", daemonset.reconcile),
    ("statefulset", statefulset.reconcile),
    # Claims bind (or get a volume made) before the scheduler looks for pods whose claims are unbound.
    ("persistentvolume-binder", volume_binding.reconcile),
    ("scheduler", scheduler.reconcile),
    ("kubelet", kubelet.reconcile),
    # Right after the kubelet, so a pod that just turned Ready is in its Services' endpoints this round.
    ("endpoints", endpoints.reconcile),
    ("endpointslice", endpointslice.reconcile),
    ("service-lb", service_lb.reconcile),
    # Requests reach pods once the kubelet has made them ready.
    ("traffic", traffic.reconcile),
    ("disruption", disruption.reconcile),
    ("event-ttl", events.reconcile),
)
