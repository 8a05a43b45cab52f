"""The simulated kubelet's behaviour as data: a table of stages, in the spirit of kwok's Stages.

A real kubelet is a long program full of branches. Ours is a table: each `Stage` names the
kind it applies to, a small predicate saying when an object is in the state the stage
handles (`when`), how long after the object entered that state it acts (`delay`, measured
from `since`), and what it then does (`then`: a new status, events, a removal). A later
behaviour (readiness probes, crash loops, image pull errors) is one more row.

`run` walks every object of the table's kinds. For each object the first stage that
applies and is due acts; one that applies but is not yet due asks to be woken up then
(`WakeAt`). One object moves at most one stage per call, so every step is its own write
and a watcher sees Pending, then ContainerCreating, then Running. Predicates of one kind's
stages are written to exclude each other, so which stage applies never depends on order
alone.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cluster import ipam
from cluster.actions import Action, WakeAt
from cluster.objects import Obj, name_of, namespace_of
from cluster.state import ClusterState


@dataclass
class Round:
    """One call of the kubelet: the cluster state, plus what it handed out during this call.

    The store applies the actions only after the call returns, so two pods started in the
    same call would otherwise both see the same address as free.
    """

    state: ClusterState
    pod_ips: dict[str, set[str]] = field(default_factory=dict)
    node_indexes: set[int] = field(default_factory=set)
    _pods_by_node: dict[str, list[Obj]] | None = None
    # When the acting stage fell due, if that is earlier than the clock (see `step`).
    at: datetime | None = None

    @property
    def now(self) -> datetime:
        return self.at if self.at is not None else self.state.now

    def as_of(self, moment: datetime) -> "Round":
        """This round seen from an earlier moment, sharing what it has handed out so far."""
        late = Round(self.state, self.pod_ips, self.node_indexes, self._pods_by_node, at=moment)
        return late

    @property
    def profile(self) -> str:
        return self.state.profile

    def node(self, name: str) -> Obj | None:
        return self.state.get("Node", "", name) if name else None

    def pods_on(self, node_name: str) -> list[Obj]:
        """The pods bound to `node_name` (indexed once per call: the state does not change during it)."""
        if self._pods_by_node is None:
            self._pods_by_node = {}
            for pod in self.state.of_kind("Pod"):
                self._pods_by_node.setdefault((pod.get("spec") or {}).get("nodeName", ""), []).append(pod)
        return self._pods_by_node.get(node_name, [])

    def claim_pod_ip(self, node: Obj, used: Iterable[str]) -> str | None:
        claimed = self.pod_ips.setdefault(name_of(node), set())
        address = ipam.lowest_free((node.get("spec") or {}).get("podCIDR", ""), [*used, *claimed])
        if address is not None:
            claimed.add(address)
        return address

    def claim_node_index(self, used: Iterable[int]) -> int:
        index = ipam.lowest_free_index([*used, *self.node_indexes])
        self.node_indexes.add(index)
        return index


Predicate = Callable[[Obj, Round], bool]
Effect = Callable[[Obj, Round], list[Action]]
Timer = Callable[[Obj, Round], timedelta]
Since = Callable[[Obj, Round], datetime | None]


def at_once(obj: Obj, rnd: Round) -> timedelta:
    return timedelta(0)


def just_now(obj: Obj, rnd: Round) -> datetime | None:
    return None


@dataclass(frozen=True)
class Stage:
    name: str
    kind: str
    when: Predicate
    then: Effect
    delay: Timer = at_once
    # When the object entered the state this stage handles; None means "now".
    since: Since = just_now

    def due(self, obj: Obj, rnd: Round) -> datetime:
        return (self.since(obj, rnd) or rnd.now) + self.delay(obj, rnd)


def run(stages: Iterable[Stage], rnd: Round) -> list[Action]:
    table = list(stages)
    actions: list[Action] = []
    for kind in dict.fromkeys(stage.kind for stage in table):
        applicable = [stage for stage in table if stage.kind == kind]
        for obj in sorted(rnd.state.of_kind(kind), key=lambda o: (namespace_of(o), name_of(o))):
            actions += step(obj, applicable, rnd)
    return actions


def step(obj: Obj, stages: Iterable[Stage], rnd: Round) -> list[Action]:
    """Let the first applicable, due stage act on `obj`; otherwise ask to come back when one is due.

    A stage that fell due while the clock jumped ahead (a learner's "skip 60 s") acts as of
    the moment it was due, so the next stage's delay counts from there and the whole chain
    catches up in one round instead of one step per jump.
    """
    wakes: list[Action] = []
    for stage in stages:
        if not stage.when(obj, rnd):
            continue
        due = stage.due(obj, rnd)
        if due <= rnd.now:
            return [*stage.then(obj, rnd.as_of(due) if due < rnd.now else rnd), *wakes]
        wakes.append(WakeAt(due))
    return wakes


def matching(obj: Obj, stages: Iterable[Stage], rnd: Round) -> list[str]:
    """The names of the stages whose predicate holds: what tests and the activity feed explain."""
    return [stage.name for stage in stages if stage.when(obj, rnd)]
