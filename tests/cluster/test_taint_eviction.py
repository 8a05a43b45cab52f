"""The taint eviction controller, pure: who is deleted from a NoExecute-tainted node, and when."""

from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Delete, Emit, Update, WakeAt
from cluster.controllers import taint_eviction
from cluster.objects import Obj, condition, rfc3339
from tests.builders import T0, new_node, new_pod, state_of

UNREACHABLE = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def tainted(*extra: dict[str, Any], added: datetime = T0) -> Obj:
    return new_node(taints=[{"key": UNREACHABLE, "effect": "NoExecute", "timeAdded": rfc3339(added)},
                            {"key": UNREACHABLE, "effect": "NoSchedule", "timeAdded": rfc3339(added)}, *extra])


def pod(name: str = "web-1", tolerations: list[dict[str, Any]] | None = None) -> Obj:
    return new_pod(name, node="node-1", phase="Running",
                   tolerations=DEFAULT_TOLERATIONS if tolerations is None else tolerations)


def test_it_leaves_pods_alone_on_a_node_without_noexecute_taints() -> None:
    node = new_node(taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])

    assert taint_eviction.reconcile(state_of(node, pod(tolerations=[]), now=at(1000))) == []


def test_it_deletes_at_once_a_pod_that_does_not_tolerate_the_taint() -> None:
    actions = taint_eviction.reconcile(state_of(tainted(), pod(tolerations=[]), now=at(1)))

    emit, update, delete = actions
    assert isinstance(emit, Emit) and (emit.reason, emit.message, emit.component) == (
        "TaintManagerEviction", "Marking for deletion Pod default/web-1", "taint-eviction-controller")
    assert isinstance(update, Update)
    assert condition(update.obj, "DisruptionTarget") == {
        "type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
        "message": "Taint manager: deleting due to NoExecute taint", "lastProbeTime": None,
        "lastTransitionTime": rfc3339(at(1))}
    assert isinstance(delete, Delete) and delete.ref.name == "web-1"


def test_it_waits_out_the_default_300_seconds_from_when_the_taint_was_added() -> None:
    waiting = taint_eviction.reconcile(state_of(tainted(added=at(40)), pod(), now=at(339)))
    due = taint_eviction.reconcile(state_of(tainted(added=at(40)), pod(), now=at(340)))

    assert waiting == [WakeAt(at(340))]
    assert [type(a) for a in due] == [Emit, Update, Delete]


def test_it_keeps_a_pod_that_tolerates_the_taint_forever() -> None:
    forever = [{"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute"}]

    assert taint_eviction.reconcile(state_of(tainted(), pod(tolerations=forever), now=at(10_000))) == []


def test_it_takes_the_shortest_toleration_among_the_taints() -> None:
    node = tainted({"key": "maintenance", "effect": "NoExecute", "timeAdded": rfc3339(T0)})
    tolerations = [*DEFAULT_TOLERATIONS, {"key": "maintenance", "operator": "Exists", "tolerationSeconds": 60}]

    assert taint_eviction.reconcile(state_of(node, pod(tolerations=tolerations), now=at(1))) == [WakeAt(at(60))]


def test_it_leaves_pods_already_being_deleted() -> None:
    going = pod(tolerations=[])
    going["metadata"]["deletionTimestamp"] = rfc3339(at(30))

    assert taint_eviction.reconcile(state_of(tainted(), going, now=at(1))) == []


def test_it_dates_a_noexecute_taint_written_without_time_added_before_counting() -> None:
    node = new_node(taints=[{"key": "maintenance", "effect": "NoExecute"}])

    actions = taint_eviction.reconcile(state_of(node, pod(tolerations=[]), now=at(7)))

    assert len(actions) == 1 and isinstance(actions[0], Update)
    assert actions[0].obj["spec"]["taints"] == [{"key": "maintenance", "effect": "NoExecute",
                                                  "timeAdded": rfc3339(at(7))}]
