"""Node: one machine of the cluster, here simulated. Its kubelet reports capacity, health and version.

Nodes are cluster-scoped. `status.allocatable` is what the scheduler may hand out to pods;
the `Ready` condition says whether the node's kubelet is alive.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, base_fields, register
from cluster.kinds.printing import AGE, NAME, Column, age, none_if_empty
from cluster.objects import Obj, condition, name_of
from cluster.validation import object_meta

ROLE_PREFIX = "node-role.kubernetes.io/"


def validate(node: Obj) -> list[Cause]:
    return object_meta(node, namespaced=False)


def display_status(node: Obj) -> str:
    ready = condition(node, "Ready")
    text = "Ready" if ready and ready.get("status") == "True" else ("NotReady" if ready else "Unknown")
    if (node.get("spec") or {}).get("unschedulable"):
        text += ",SchedulingDisabled"
    return text


def roles(node: Obj) -> str:
    labels = (node.get("metadata") or {}).get("labels") or {}
    found = sorted(k[len(ROLE_PREFIX):] for k in labels if k.startswith(ROLE_PREFIX))
    return ",".join(found) or "<none>"


def address(node: Obj, kind: str) -> str:
    for addr in (node.get("status") or {}).get("addresses") or []:
        if addr.get("type") == kind:
            return str(addr.get("address", ""))
    return ""


def cells(node: Obj, now: datetime) -> list[Any]:
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return [name_of(node), display_status(node), roles(node), age(node, now), info.get("kubeletVersion", ""),
            none_if_empty(address(node, "InternalIP")), none_if_empty(address(node, "ExternalIP")),
            info.get("osImage", ""), info.get("kernelVersion", ""), info.get("containerRuntimeVersion", "")]


NODE = register(Kind(
    group="", version="v1", kind="Node", plural="nodes", namespaced=False, short_names=("no",),
    subresources=("status", "proxy"), validate=validate,
    fields={**base_fields(),
            "spec.unschedulable": lambda n: str(bool((n.get("spec") or {}).get("unschedulable"))).lower()},
    columns=(NAME, Column("Status", description="The status of the node"),
             Column("Roles", description="The roles of the node"), AGE,
             Column("Version", description="Kubelet Version reported by the node."),
             Column("Internal-IP", priority=1, description="List of internal IPs in the node"),
             Column("External-IP", priority=1, description="List of external IPs in the node"),
             Column("OS-Image", priority=1, description="OS Image reported by the node from /etc/os-release"),
             Column("Kernel-Version", priority=1, description="Kernel Version reported by the node"),
             Column("Container-Runtime", priority=1, description="Container Runtime Version reported by the node")),
    cells=cells,
))
