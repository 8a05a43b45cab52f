"""Node stages: a node's kubelet registers it, reports it Ready, and lists the images it holds.

A node here is created bare (by a new sandbox, or by a learner) with its machine size in
annotations. Its kubelet then does what a real one does on start: it fills in the node's
status (capacity and allocatable, the machine's `nodeInfo`, its addresses, the pressure
conditions and `Ready`) and announces itself with the usual events. The node's pod range
(`spec.podCIDR`), which the node IPAM controller assigns on a real cluster, comes with it.

A node annotated `kubelab.io/state: stopped` (or `crashed`) has no running kubelet: it does
nothing, starts no pods and stops renewing its Lease (see `heartbeat`).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster import ipam, quantities
from cluster.actions import Action, Emit, Update
from cluster.objects import (
    Obj,
    annotations_of,
    condition,
    copy,
    labels_of,
    name_of,
    parse_time,
    rfc3339,
    set_condition,
    uid_of,
)
from cluster.stages import Round, Stage
from cluster.stages import images as image_refs
from cluster.stages.profiles import Delay
from cluster.version import GIT_VERSION

KUBELET_VERSION = GIT_VERSION  # the API's gitVersion too: kubectl sees one release
CONTAINER_RUNTIME_VERSION = "containerd://2.1.4"
KERNEL_VERSION = "6.8.0-60-generic"
OS_IMAGE = "Ubuntu 24.04.2 LTS"
KUBELET_PORT = 10250
KUBELET = "kubelet"
NODE_CONTROLLER = "node-controller"

STATE = "kubelab.io/state"
SIZE_ANNOTATIONS = {"cpu": "kubelab.io/cpu", "memory": "kubelab.io/memory", "pods": "kubelab.io/pods"}
DEFAULT_SIZE = {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi"}
# What a kubelet holds back by default: memory below its eviction threshold, a tenth of the disk.
EVICTION_MEMORY = 100 * 2**20
EVICTION_DISK_FRACTION = 0.10
REGISTRATION = Delay(1.0, jitter=1.0, salt="register")


class KubeletState(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    CRASHED = "crashed"


class NodeEvent(StrEnum):
    STARTING = "Starting"
    SUFFICIENT_MEMORY = "NodeHasSufficientMemory"
    NO_DISK_PRESSURE = "NodeHasNoDiskPressure"
    SUFFICIENT_PID = "NodeHasSufficientPID"
    ALLOCATABLE_ENFORCED = "NodeAllocatableEnforced"
    READY = "NodeReady"
    REGISTERED = "RegisteredNode"


# The conditions a healthy kubelet reports, in the order kubectl describe shows them.
HEALTHY = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)


# --- predicates ------------------------------------------------------------------------------

def kubelet_running(node: Obj) -> bool:
    return annotations_of(node).get(STATE, KubeletState.RUNNING) not in (KubeletState.STOPPED, KubeletState.CRASHED)


def registered(node: Obj) -> bool:
    return bool((node.get("status") or {}).get("nodeInfo"))


def serving(node: Obj | None) -> bool:
    """A node whose kubelet runs and has registered: it starts, runs and stops pods."""
    return node is not None and registered(node) and kubelet_running(node)


def internal_ip(node: Obj) -> str:
    for entry in (node.get("status") or {}).get("addresses") or []:
        if entry.get("type") == "InternalIP":
            return str(entry.get("address", ""))
    return ""


def unregistered(node: Obj, rnd: Round) -> bool:
    return kubelet_running(node) and not registered(node)


def not_ready(node: Obj, rnd: Round) -> bool:
    """A running kubelet whose node shows any condition other than healthy (say, after the node
    controller marked them Unknown while it was down) reports them all afresh."""
    return serving(node) and any(_off(node, kind, status) for kind, status, _, _ in HEALTHY)


def _off(node: Obj, kind: str, status: str) -> bool:
    current = condition(node, kind)
    return current is None or current.get("status") != status


def missing_images(node: Obj, rnd: Round) -> list[str]:
    """Images this node's containers were started from that `status.images` does not list yet."""
    pulled = {cs["image"] for pod in rnd.pods_on(name_of(node))
              for cs in (pod.get("status") or {}).get("containerStatuses") or [] if cs.get("imageID")}
    return sorted(image for image in pulled if not image_refs.on_node(node, image))


def images_unlisted(node: Obj, rnd: Round) -> bool:
    return serving(node) and bool(missing_images(node, rnd))


def created_at(node: Obj, rnd: Round) -> datetime | None:
    return parse_time(node.get("metadata", {}).get("creationTimestamp"))


# --- effects ---------------------------------------------------------------------------------

def register(node: Obj, rnd: Round) -> list[Action]:
    index = rnd.claim_node_index(_indexes_in_use(node, rnd))
    new = copy(node)
    spec = new.setdefault("spec", {})
    spec.setdefault("podCIDR", ipam.pod_cidr(index))
    spec.setdefault("podCIDRs", [spec["podCIDR"]])
    new["status"] = {**(node.get("status") or {}), **registered_status(node, ipam.node_ip(index), rnd.now)}
    return [Update(new, narration=f"kubelet on {name_of(node)}: registered the node"), *registration_events(node)]


def _indexes_in_use(node: Obj, rnd: Round) -> list[int]:
    cidrs = [(other.get("spec") or {}).get("podCIDR", "") for other in rnd.state.of_kind("Node") if other is not node]
    return [index for index in map(ipam.index_of, cidrs) if index is not None]


def report_ready(node: Obj, rnd: Round) -> list[Action]:
    new = copy(node)
    for healthy in HEALTHY:
        set_condition(new.setdefault("status", {}), node_condition(*healthy, now=rnd.now))
    return [Update(new, narration=f"kubelet on {name_of(node)}: node is Ready again"),
            kubelet_event(node, NodeEvent.READY)]


def list_images(node: Obj, rnd: Round) -> list[Action]:
    new = copy(node)
    listed = (new.setdefault("status", {}).get("images") or []) + [
        image_refs.node_entry(image) for image in missing_images(node, rnd)]
    new["status"]["images"] = sorted(listed, key=lambda entry: -int(entry.get("sizeBytes", 0)))
    return [Update(new)]


# --- status ----------------------------------------------------------------------------------

def registered_status(node: Obj, internal_ip: str, now: datetime) -> dict[str, Any]:
    capacity = machine_size(node)
    return {
        "capacity": capacity, "allocatable": allocatable(capacity),
        "conditions": [node_condition(*healthy, now=now) for healthy in HEALTHY],
        "addresses": [{"type": "InternalIP", "address": internal_ip}, {"type": "Hostname", "address": name_of(node)}],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": KUBELET_PORT}},
        "nodeInfo": node_info(node),
    }


def node_condition(kind: str, status: str, reason: str, message: str, *, now: datetime) -> dict[str, Any]:
    return {"type": kind, "status": status, "lastHeartbeatTime": rfc3339(now), "lastTransitionTime": rfc3339(now),
            "reason": reason, "message": message}


def machine_size(node: Obj) -> dict[str, str]:
    """Capacity as a kubelet reports it: the annotated size, memory and disk in Ki."""
    notes = annotations_of(node)
    size = {key: notes.get(SIZE_ANNOTATIONS.get(key, ""), default) for key, default in DEFAULT_SIZE.items()}
    return {
        "cpu": quantities.format_millicores(_parsed(quantities.millicores, size, "cpu")),
        "ephemeral-storage": f"{_parsed(quantities.bytes_of, size, 'ephemeral-storage') // 1024}Ki",
        "hugepages-1Gi": "0", "hugepages-2Mi": "0",
        "memory": f"{_parsed(quantities.bytes_of, size, 'memory') // 1024}Ki",
        "pods": str(_parsed(quantities.bytes_of, size, "pods")),
    }


def _parsed(parse: Any, size: dict[str, str], key: str) -> int:
    """A learner's unreadable annotation falls back to the default size rather than stalling the node."""
    try:
        return int(parse(size[key]))
    except quantities.QuantityError:
        return int(parse(DEFAULT_SIZE[key]))


def allocatable(capacity: dict[str, str]) -> dict[str, str]:
    memory = quantities.bytes_of(capacity["memory"]) - EVICTION_MEMORY
    disk = quantities.bytes_of(capacity["ephemeral-storage"])
    return {**capacity, "memory": f"{max(memory, 0) // 1024}Ki",
            "ephemeral-storage": str(int(disk * (1 - EVICTION_DISK_FRACTION)))}


def node_info(node: Obj) -> dict[str, str]:
    """All ten strings of NodeSystemInfo (clients reject a node missing any), fixed by the node's uid."""
    seed = image_refs.digest(uid_of(node) or name_of(node)).removeprefix("sha256:")
    uuid_like = f"{seed[:8]}-{seed[8:12]}-{seed[12:16]}-{seed[16:20]}-{seed[20:32]}"
    return {
        "architecture": labels_of(node).get("kubernetes.io/arch", "amd64"), "bootID": uuid_like,
        "containerRuntimeVersion": CONTAINER_RUNTIME_VERSION, "kernelVersion": KERNEL_VERSION,
        # Kubelets stopped reporting kube-proxy's version (KEP-4004); the field stays, empty.
        "kubeProxyVersion": "", "kubeletVersion": KUBELET_VERSION, "machineID": seed[32:64],
        "operatingSystem": labels_of(node).get("kubernetes.io/os", "linux"), "osImage": OS_IMAGE,
        "systemUUID": uuid_like.upper(),
    }


# --- events ----------------------------------------------------------------------------------

def kubelet_event(node: Obj, reason: str, message: str = "") -> Emit:
    text = message or f"Node {name_of(node)} status is now: {reason}"
    return Emit(node, reason, text, KUBELET, host=name_of(node))


def registration_events(node: Obj) -> list[Action]:
    """What `kubectl describe node` lists after a kubelet starts, in the order it happens."""
    name = name_of(node)
    return [
        kubelet_event(node, NodeEvent.STARTING, "Starting kubelet."),
        kubelet_event(node, NodeEvent.SUFFICIENT_MEMORY), kubelet_event(node, NodeEvent.NO_DISK_PRESSURE),
        kubelet_event(node, NodeEvent.SUFFICIENT_PID),
        kubelet_event(node, NodeEvent.ALLOCATABLE_ENFORCED, "Updated Node Allocatable limit across pods"),
        kubelet_event(node, NodeEvent.READY),
        Emit(node, NodeEvent.REGISTERED, f"Node {name} event: Registered Node {name} in Controller", NODE_CONTROLLER),
    ]


STAGES = (
    Stage("node-register", "Node", when=unregistered, then=register, delay=REGISTRATION, since=created_at),
    Stage("node-ready", "Node", when=not_ready, then=report_ready),
    Stage("node-images", "Node", when=images_unlisted, then=list_images),
)
