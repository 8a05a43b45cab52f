"""What learners and instructors do to nodes: stop or crash one, restart it, cordon, drain, add, remove.

Each operation is one or a few writes through the store; the controllers do the rest, as on a
real cluster:
* `stop` / `crash`: the node's kubelet stops (stopped cleanly, or the machine died); its
  heartbeats end, and 40 s later the node lifecycle controller marks it NotReady and taints
  it; 300 s after that its pods are evicted and replaced elsewhere. `restart` brings the
  kubelet back: the node reports Ready, the taints go, and pods stuck Terminating there are
  finally stopped.
* `cordon` / `uncordon`: `spec.unschedulable`, as `kubectl cordon` sets it; the node lifecycle
  controller adds the `node.kubernetes.io/unschedulable:NoSchedule` taint.
* `drain`: cordon, then evict every pod but DaemonSet and mirror pods through the eviction
  rules, so PodDisruptionBudgets are respected (`kubectl drain --ignore-daemonsets
  --delete-emptydir-data --force`, tried once); the result reads as kubectl prints it.
* `add` / `remove`: a new bare node `node-N` (its kubelet registers it), or the Node object
  deleted (its pods are then gone with it, and their owners replace them).
"""

import re
from dataclasses import dataclass, field

from cluster import errors, eviction, kinds, sandboxes, store
from cluster.controllers.node_lifecycle import Countdown
from cluster.controllers.node_lifecycle import countdown as node_countdown
from cluster.kinds import Kind
from cluster.models import Sandbox
from cluster.objects import Obj, annotations_of, controller_ref, name_of, namespace_of
from cluster.stages.node import STATE, KubeletState

MIRROR = "kubernetes.io/config.mirror"
NODE_NAME = re.compile(r"^node-(\d+)$")


def node_kind() -> Kind:
    found = kinds.by_kind("", "Node")
    assert found is not None
    return found


# --- the kubelet -------------------------------------------------------------------------------

def stop(sandbox: Sandbox, node: str) -> Obj:
    """Stop the node's kubelet cleanly (`systemctl stop kubelet`): no more heartbeats."""
    return _set_kubelet(sandbox, node, KubeletState.STOPPED)


def crash(sandbox: Sandbox, node: str) -> Obj:
    """The machine dies: no more heartbeats, and nothing on it answers."""
    return _set_kubelet(sandbox, node, KubeletState.CRASHED)


def restart(sandbox: Sandbox, node: str) -> Obj:
    """Start the kubelet again: it renews its Lease, reports Ready and stops the pods deleted meanwhile."""
    return _set_kubelet(sandbox, node, KubeletState.RUNNING)


def _set_kubelet(sandbox: Sandbox, node: str, state: KubeletState) -> Obj:
    def mutate(obj: Obj) -> Obj:
        notes = dict(annotations_of(obj))
        if state == KubeletState.RUNNING:
            notes.pop(STATE, None)
        else:
            notes[STATE] = str(state)
        obj["metadata"]["annotations"] = notes
        return obj

    return store.patch(sandbox, node_kind(), "", node, mutate)


# --- scheduling --------------------------------------------------------------------------------

def cordon(sandbox: Sandbox, node: str) -> bool:
    """Mark the node unschedulable, as `kubectl cordon`; False when it already was."""
    return _set_unschedulable(sandbox, node, True)


def uncordon(sandbox: Sandbox, node: str) -> bool:
    """Let the scheduler use the node again; False when it already could."""
    return _set_unschedulable(sandbox, node, False)


def _set_unschedulable(sandbox: Sandbox, node: str, unschedulable: bool) -> bool:
    current = store.get(sandbox, node_kind(), "", node)
    if bool((current.get("spec") or {}).get("unschedulable")) == unschedulable:
        return False

    def mutate(obj: Obj) -> Obj:
        spec = obj.setdefault("spec", {})
        if unschedulable:
            spec["unschedulable"] = True
        else:
            spec.pop("unschedulable", None)  # kubectl uncordon leaves the field unset, not false
        return obj

    store.patch(sandbox, node_kind(), "", node, mutate)
    return True


# --- drain -------------------------------------------------------------------------------------

@dataclass
class Drain:
    """What a drain did: pods are "namespace/name"; `refused` maps a pod to the API's answer."""

    node: str
    cordoned: bool
    ignored: list[str] = field(default_factory=list)
    evicted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)

    @property
    def drained(self) -> bool:
        return not self.refused

    def lines(self) -> list[str]:
        """The drain as `kubectl drain` prints it."""
        out = [f"node/{self.node} {'cordoned' if self.cordoned else 'already cordoned'}"]
        if self.ignored:
            out.append(f"Warning: ignoring DaemonSet-managed Pods: {', '.join(self.ignored)}")
        out += [f"evicting pod {pod}" for pod in sorted([*self.evicted, *self.refused])]
        out += [f"error when evicting pods/{_quoted(pod)} (will retry after 5s): {why}"
                for pod, why in sorted(self.refused.items())]
        out += [f"pod/{pod.split('/', 1)[1]} evicted" for pod in self.evicted]
        return out + self._ending()

    def _ending(self) -> list[str]:
        if self.drained:
            return [f"node/{self.node} drained"]
        failures = [f"error when evicting pods/{_quoted(pod)}: {why}" for pod, why in sorted(self.refused.items())]
        error = failures[0] if len(failures) == 1 else f"[{', '.join(failures)}]"  # as Go's aggregate error
        return [f'There are pending pods in node "{self.node}" when an error occurred: {error}',
                *(f"pod/{pod.split('/', 1)[1]}" for pod in sorted(self.refused)),
                f'error: unable to drain node "{self.node}" due to error: {error}, continuing command...',
                "There are pending nodes to be drained:", f" {self.node}", error]


def _quoted(pod: str) -> str:
    namespace, name = pod.split("/", 1)
    return f'"{name}" -n "{namespace}"'


def drain(sandbox: Sandbox, node: str) -> Drain:
    """Cordon the node, then evict its pods (DaemonSet and mirror pods stay), respecting budgets."""
    result = Drain(node, cordoned=cordon(sandbox, node))
    for pod in pods_on(sandbox, node):
        where = f"{namespace_of(pod)}/{name_of(pod)}"
        if MIRROR in annotations_of(pod):
            continue
        if (controller_ref(pod) or {}).get("kind") == "DaemonSet":
            result.ignored.append(where)
            continue
        try:
            eviction.evict(sandbox, namespace_of(pod), name_of(pod))
            result.evicted.append(where)
        except errors.StatusError as error:
            if error.reason == "NotFound":
                continue  # gone meanwhile: nothing left to evict
            result.refused[where] = error.message
    return result


def pods_on(sandbox: Sandbox, node: str) -> list[Obj]:
    pod_kind = kinds.by_kind("", "Pod")
    assert pod_kind is not None
    pods, _ = store.list_objects(sandbox, pod_kind)
    return [p for p in pods if (p.get("spec") or {}).get("nodeName") == node]


# --- machines ----------------------------------------------------------------------------------

def add(sandbox: Sandbox, name: str | None = None, *, cpu: str = "4", memory: str = "8Gi") -> Obj:
    """A new machine joins: a bare Node its kubelet registers. Unnamed, it is the next `node-N`."""
    return sandboxes.add_node(sandbox, name or next_name(sandbox), cpu=cpu, memory=memory)


def next_name(sandbox: Sandbox) -> str:
    nodes, _ = store.list_objects(sandbox, node_kind())
    numbers = [int(m.group(1)) for m in (NODE_NAME.match(name_of(n)) for n in nodes) if m]
    return f"node-{max(numbers, default=0) + 1}"


def remove(sandbox: Sandbox, node: str) -> None:
    """Delete the Node object, as `kubectl delete node`: its pods go with it and are replaced elsewhere."""
    store.delete(sandbox, node_kind(), "", node)


def countdown(sandbox: Sandbox, node: str) -> Countdown:
    """The node's timers (see `node_lifecycle.countdown`), read from the sandbox as it is now."""
    return node_countdown(store.load_state(sandbox), node)
