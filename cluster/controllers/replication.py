"""ReplicationController controller: a ReplicaSet from before label selectors had set operators.

A ReplicationController keeps `spec.replicas` pods running exactly as a ReplicaSet does; only
its selector differs: a plain map of labels that must all be equal (`app: web`), not a label
selector with `matchLabels` and `matchExpressions`. So the ReplicaSet controller's sync serves
it, given that selector and Kubernetes' component name for its events.
"""

from cluster import selectors
from cluster.actions import Action
from cluster.controllers import replicaset
from cluster.objects import Obj
from cluster.state import ClusterState

COMPONENT = "replication-controller"


def equality_selector(rc: Obj) -> selectors.Selector:
    return selectors.from_equality_map(rc.get("spec", {}).get("selector"))


def reconcile(state: ClusterState) -> list[Action]:
    actions: list[Action] = []
    for rc in state.of_kind("ReplicationController"):
        actions += replicaset.sync(rc, state, equality_selector, COMPONENT)
    return actions
