"""How much of its quota a sandbox uses, counted cheaply, and the check the store runs on create.

Controllers write with the sandbox's objects in memory (a `ClusterState`), so their creates
count from it; API writes count with one COUNT query per resource. The limits and the wording
of the refusal are `cluster.quota`'s.
"""

from cluster import quota
from cluster.kinds import Kind
from cluster.models import KubeObject, Sandbox
from cluster.objects import Obj, name_of
from cluster.state import ClusterState

EVENT_GROUPS = ("", "events.k8s.io")


def used_in_state(state: ClusterState, resource: str) -> int:
    if resource == quota.PODS:
        return state.count("Pod")
    if resource == quota.NODES:
        return state.count("Node")
    return len(state) - state.count("Event") - state.count("Event", "events.k8s.io")


def used_in_database(sandbox: Sandbox, resource: str) -> int:
    rows = KubeObject.objects.filter(sandbox=sandbox)
    if resource == quota.PODS:
        return rows.filter(group="", kind="Pod").count()
    if resource == quota.NODES:
        return rows.filter(group="", kind="Node").count()
    return rows.exclude(kind="Event", group__in=EVENT_GROUPS).count()


def check(sandbox: Sandbox, state: ClusterState | None, kind: Kind, new: Obj) -> None:
    """Raise 403 Forbidden (exceeded quota) when creating `new` would pass one of the sandbox's limits."""
    needed = quota.resources(kind.group, kind.kind)
    if not needed:
        return
    used = {r: used_in_state(state, r) if state is not None else used_in_database(sandbox, r) for r in needed}
    error = quota.exceeded(kind.plural, kind.group, name_of(new), used)
    if error is not None:
        raise error
