"""What a pod asks of a node: its cpu and memory requests, added up as kube-scheduler adds them.

A pod's request is the sum over its containers. Init containers run one at a time before them,
so the pod needs at least the largest one; sidecars (init containers with `restartPolicy:
Always`) keep running, so they add to everything after them. Pod overhead (set by a
RuntimeClass) comes on top. Pod-level `spec.resources.requests`, when present, replace the sum.

The scheduler keeps two such sums. The real one decides whether a pod fits. The "non-zero"
one counts a container that requests nothing as 100m of cpu and 200Mi of memory; it is used
only for scoring, so that pods without requests still spread out instead of piling onto the
first node.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cluster import quantities
from cluster.objects import Obj

# Kubernetes' DefaultMilliCPURequest and DefaultMemoryRequest (pkg/scheduler/util).
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Requests:
    """An amount of cpu (millicores) and memory (bytes)."""

    cpu: int = 0
    memory: int = 0

    def __add__(self, other: "Requests") -> "Requests":
        return Requests(self.cpu + other.cpu, self.memory + other.memory)

    def __sub__(self, other: "Requests") -> "Requests":
        return Requests(self.cpu - other.cpu, self.memory - other.memory)

    def at_least(self, other: "Requests") -> "Requests":
        return Requests(max(self.cpu, other.cpu), max(self.memory, other.memory))


NOTHING = Requests()


@lru_cache(maxsize=4096)
def millicores(quantity: str) -> int:
    try:
        return quantities.millicores(quantity)
    except quantities.QuantityError:
        return 0  # validation rejects these at the API; a stray one asks for nothing


@lru_cache(maxsize=4096)
def bytes_of(quantity: str) -> int:
    try:
        return quantities.bytes_of(quantity)
    except quantities.QuantityError:
        return 0


def of_list(values: Mapping[str, Any] | None, *, non_zero: bool = False) -> Requests:
    """A `requests:` map as Requests; with `non_zero`, a missing cpu or memory gets the default."""
    values = values or {}
    cpu = millicores(str(values["cpu"])) if "cpu" in values else (DEFAULT_MILLI_CPU if non_zero else 0)
    memory = bytes_of(str(values["memory"])) if "memory" in values else (DEFAULT_MEMORY if non_zero else 0)
    return Requests(cpu, memory)


def pod_requests(pod: Obj, *, non_zero: bool = False) -> Requests:
    """What the pod asks for, as Kubernetes' resourcehelper.PodRequests computes it."""
    spec = pod.get("spec") or {}
    total = _with_init_containers(spec, _sum(spec.get("containers"), non_zero), non_zero)
    return _pod_level(total, (spec.get("resources") or {}).get("requests")) + of_list(spec.get("overhead"))


def _pod_level(total: Requests, requests: Mapping[str, Any] | None) -> Requests:
    """Pod-level requests, where given, replace what the containers add up to."""
    if not requests:
        return total
    cpu = millicores(str(requests["cpu"])) if "cpu" in requests else total.cpu
    memory = bytes_of(str(requests["memory"])) if "memory" in requests else total.memory
    return Requests(cpu, memory)


def _sum(containers: Iterable[Any] | None, non_zero: bool) -> Requests:
    total = NOTHING
    for container in containers or []:
        total += container_requests(container, non_zero)
    return total


def container_requests(container: Any, non_zero: bool) -> Requests:
    if not isinstance(container, dict):
        return NOTHING
    return of_list((container.get("resources") or {}).get("requests"), non_zero=non_zero)


def _with_init_containers(spec: dict[str, Any], total: Requests, non_zero: bool) -> Requests:
    """Sidecars add to the total; each plain init container needs its own request plus the sidecars before it."""
    sidecars = peak = NOTHING
    for container in spec.get("initContainers") or []:
        requests = container_requests(container, non_zero)
        if isinstance(container, dict) and container.get("restartPolicy") == "Always":
            total += requests
            sidecars += requests
            peak = peak.at_least(sidecars)
        else:
            peak = peak.at_least(requests + sidecars)
    return total.at_least(peak)
