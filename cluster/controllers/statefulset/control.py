"""One step of a StatefulSet's sync over its pods (Kubernetes' updateStatefulSet).

The pods split in two: `replicas`, one slot per ordinal the set should have (a slot with no
pod holds the pod to create, which has no status yet), and `condemned`, the pods whose
ordinal is beyond `spec.replicas`, highest ordinal first. Then, in order:
1. each replica: create it (claims first), recreate it if it finished, and in OrderedReady
   mode stop at the first one that is not yet Running and Ready: `web-1` is only created
   once `web-0` is up;
2. each condemned pod: delete it, and in OrderedReady mode stop there and wait until it is
   gone, and for every lower ordinal to be healthy, before the next;
3. a rolling update: from the highest ordinal down to `partition`, delete the first pod that
   is not at the update revision (the replica step recreates it from the new template),
   and wait for each updated pod to be healthy before going on.
`Parallel` pod management does not wait in steps 1 and 2; updates still go one at a time.
"""

from collections.abc import Callable
from dataclasses import dataclass

from cluster.actions import Action, Create, Delete, Emit, Update
from cluster.controllers import pods as podutil
from cluster.controllers.statefulset import claims
from cluster.controllers.statefulset.identity import (
    identity_labels,
    identity_matches,
    is_created,
    is_healthy,
    ordinal_of,
    phase,
    revision_of,
    running_and_ready,
)
from cluster.objects import Obj, Ref, copy, is_terminating, name_of
from cluster.state import ClusterState

COMPONENT = "statefulset-controller"
PARALLEL = "Parallel"
ON_DELETE = "OnDelete"
FINISHED = ("Failed", "Succeeded")


@dataclass(frozen=True)
class View:
    """A StatefulSet as one sync sees it."""

    sts: Obj
    state: ClusterState
    update_revision: str
    replicas: list[Obj]
    condemned: list[Obj]

    @property
    def monotonic(self) -> bool:
        """OrderedReady: one pod at a time, each waiting for the ones before it."""
        return (self.sts.get("spec") or {}).get("podManagementPolicy") != PARALLEL

    def available(self, pod: Obj) -> bool:
        min_ready = int(self.sts["spec"].get("minReadySeconds", 0))
        return podutil.is_available(pod, min_ready, self.state.now)


Step = Callable[[View, Obj], tuple[list[Action], bool]]


def run(view: View) -> list[Action]:
    """The actions of one sync; each stage runs only if the ones before it did not have to wait."""
    actions, stop = for_all(view, view.replicas, process_replica)
    if not stop:
        fixes, stop = for_all(view, view.condemned, fix_claims)
        actions += fixes
    if not stop:
        unhealthy = first_unhealthy(view)
        scale_down, stop = for_all(view, view.condemned, lambda v, pod: process_condemned(v, pod, unhealthy))
        actions += scale_down
    strategy = (view.sts["spec"].get("updateStrategy") or {}).get("type")
    if not stop and strategy != ON_DELETE:
        actions += rolling_update(view)
    return actions


def for_all(view: View, pods: list[Obj], step: Step) -> tuple[list[Action], bool]:
    """runForAll: in order, stopping at the first pod that must wait (OrderedReady); or every pod (Parallel)."""
    actions: list[Action] = []
    waiting = False
    for pod in pods:
        more, stop = step(view, pod)
        actions += more
        if stop and view.monotonic:
            return actions, True
        waiting = waiting or stop
    return actions, waiting


def process_replica(view: View, pod: Obj) -> tuple[list[Action], bool]:
    sts, state = view.sts, view.state
    if not is_created(pod):
        return create(view, pod), view.monotonic
    if phase(pod) in FINISHED:
        return ([] if is_terminating(pod) else recreate(view, pod)), True
    actions = claims.create_missing(sts, pod, state, COMPONENT) if phase(pod) == "Pending" else []
    if view.monotonic and (is_terminating(pod) or not running_and_ready(pod) or not view.available(pod)):
        return actions, True
    if not identity_matches(sts, pod):
        relabelled = copy(pod)
        relabelled["metadata"].setdefault("labels", {}).update(identity_labels(sts, ordinal_of(pod)))
        actions.append(Update(relabelled, narration=f"StatefulSet {name_of(sts)}: restoring {name_of(pod)}'s labels"))
    return actions + claims.retention_updates(sts, pod, False, state), False


def create(view: View, pod: Obj) -> list[Action]:
    sts = view.sts
    message = f"create Pod {name_of(pod)} in StatefulSet {name_of(sts)} successful"
    story = f"StatefulSet {name_of(sts)}: {_why_now(view, pod)}, creating {name_of(pod)}"
    return [*claims.create_missing(sts, pod, view.state, COMPONENT),
            Create(pod, narration=story), Emit(sts, "SuccessfulCreate", message, COMPONENT)]


def _why_now(view: View, pod: Obj) -> str:
    before = [p for p in view.replicas if ordinal_of(p) < ordinal_of(pod)]
    if not before or not view.monotonic:
        return f"ordinal {ordinal_of(pod)} is missing"
    return f"{name_of(before[-1])} is Running and Ready"


def recreate(view: View, pod: Obj) -> list[Action]:
    sts = view.sts
    failed = phase(pod) == "Failed"
    reason, kind = ("RecreatingFailedPod", "Warning") if failed else ("RecreatingTerminatedPod", "Normal")
    what = "failed" if failed else "terminated"
    message = f"StatefulSet {sts['metadata'].get('namespace')}/{name_of(sts)} is recreating {what} Pod {name_of(pod)}"
    return [Emit(sts, reason, message, COMPONENT, type=kind), *delete(view, pod, f"{name_of(pod)} {what}")]


def delete(view: View, pod: Obj, why: str) -> list[Action]:
    """A graceful delete, never a forced one: the ordinal is not reused until the pod is really gone."""
    sts = view.sts
    message = f"delete Pod {name_of(pod)} in StatefulSet {name_of(sts)} successful"
    return [Delete(Ref.to(pod), narration=f"StatefulSet {name_of(sts)}: {why}, deleting {name_of(pod)}"),
            Emit(sts, "SuccessfulDelete", message, COMPONENT)]


def fix_claims(view: View, pod: Obj) -> tuple[list[Action], bool]:
    return claims.retention_updates(view.sts, pod, True, view.state), False


def first_unhealthy(view: View) -> Obj | None:
    """The lowest replica that is not healthy (one not yet created counts), else the lowest condemned one."""
    for pod in [*view.replicas, *reversed(view.condemned)]:
        if not is_healthy(pod):
            return pod
    return None


def process_condemned(view: View, pod: Obj, unhealthy: Obj | None) -> tuple[list[Action], bool]:
    if is_terminating(pod):
        return [], view.monotonic
    # Scaling down waits for every other pod to be healthy; only the first unhealthy one may go anyway.
    if view.monotonic and pod is not unhealthy and (not running_and_ready(pod) or not view.available(pod)):
        return [], True
    return delete(view, pod, "scaling down from the highest ordinal"), view.monotonic


def rolling_update(view: View) -> list[Action]:
    """Delete the highest pod (down to `partition`) not at the update revision; wait for each to be healthy."""
    rolling = (view.sts["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}
    lowest = int(rolling.get("partition") or 0)
    for target in range(len(view.replicas) - 1, lowest - 1, -1):
        pod = view.replicas[target]
        if revision_of(pod) != view.update_revision and not is_terminating(pod):
            return delete(view, pod, f"updating to revision {view.update_revision}, highest ordinal first")
        if not is_healthy(pod):
            return []
    return []
