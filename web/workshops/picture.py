"""The small live picture of a sandbox on the dashboard: its nodes (ready or not) and its pods by phase.

Pure: given the Node and Pod objects, returns plain data the dashboard row renders.
"""

from collections import Counter
from typing import Any

from cluster.objects import Obj, annotations_of
from cluster.stages.node import STATE, KubeletState


def node_ready(node: Obj) -> bool:
    conditions = node.get("status", {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def kubelet_state(node: Obj) -> str:
    """running, stopped or crashed: what happened to the machine, before the control plane notices."""
    return str(annotations_of(node).get(STATE, KubeletState.RUNNING))


def pod_phase(pod: Obj) -> str:
    if pod.get("metadata", {}).get("deletionTimestamp"):
        return "Terminating"
    return str(pod.get("status", {}).get("phase") or "Pending")


def node_summary(node: Obj) -> dict[str, Any]:
    return {"name": node["metadata"]["name"], "ready": node_ready(node), "kubelet": kubelet_state(node)}


def picture(nodes: list[Obj], pods: list[Obj]) -> dict[str, Any]:
    return {
        "nodes": sorted((node_summary(n) for n in nodes), key=lambda n: str(n["name"])),
        "pods": dict(sorted(Counter(pod_phase(p) for p in pods).items())),
    }
