"""Resource metrics: how much CPU and memory each container and node is using.

On a real cluster the kubelet measures containers (cAdvisor) and metrics-server serves the
averages over a short window through the `metrics.k8s.io` API, which `kubectl top` and the
HorizontalPodAutoscaler read. Nothing runs here, so usage is modelled:

    container usage = what its image uses idle (`BASELINES`) + what its traffic costs,
                      never more than the container's limit;
    node usage      = the sum over its running pods + the system's own share (`SYSTEM`).

The traffic cost comes from the pod's `kubelab.io/rps` (see `cluster.traffic`): each
request costs `CPU_PER_REQUEST` millicore-seconds and a little memory for buffers. Only
running containers have metrics, as with metrics-server. A small per-pod offset, derived
from the pod's uid, keeps identical pods from showing identical numbers. Pure.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cluster import quantities, traffic
from cluster.objects import Obj, labels_of, name_of, namespace_of, rfc3339, uid_of

# metrics-server's default resolution: each value is an average over this window.
WINDOW_SECONDS = 15
WINDOW = f"{WINDOW_SECONDS}s"
MI = 1024 * 1024
# Memory each request a second holds in buffers and connections.
MEMORY_PER_RPS = 64 * 1024


@dataclass(frozen=True)
class Usage:
    cpu: int = 0  # millicores
    memory: int = 0  # bytes

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.cpu + other.cpu, self.memory + other.memory)


# What well-known images use with nothing to do (as `kubectl top` shows them on kind).
BASELINES: dict[str, Usage] = {
    "nginx": Usage(1, 3 * MI), "httpd": Usage(1, 8 * MI), "redis": Usage(2, 3 * MI),
    "busybox": Usage(0, MI // 2), "alpine": Usage(0, MI // 2), "postgres": Usage(3, 30 * MI),
    "mysql": Usage(5, 360 * MI), "mongo": Usage(6, 80 * MI), "memcached": Usage(1, 2 * MI),
    "node": Usage(1, 30 * MI), "python": Usage(1, 15 * MI), "traefik": Usage(2, 25 * MI),
}
DEFAULT_BASELINE = Usage(1, 10 * MI)
# The node's own processes (kubelet, container runtime, system daemons), as a kind node shows.
SYSTEM = Usage(80, 600 * MI)


def image_name(image: str) -> str:
    """`docker.io/library/nginx:1.25` -> `nginx`."""
    last = image.rsplit("/", 1)[-1]
    return last.split("@", 1)[0].split(":", 1)[0]


def baseline(image: str) -> Usage:
    return BASELINES.get(image_name(image), DEFAULT_BASELINE)


def jitter(pod: Obj) -> Usage:
    """A stable per-pod wobble: up to 1m of CPU and 1Mi of memory."""
    digest = hashlib.sha256(uid_of(pod).encode()).digest()
    return Usage(digest[0] % 2, (digest[1] % 16) * 64 * 1024)


def limit(container: Obj, resource: str) -> int | None:
    value = ((container.get("resources") or {}).get("limits") or {}).get(resource)
    if value is None:
        return None
    try:
        return quantities.millicores(value) if resource == "cpu" else quantities.bytes_of(value)
    except quantities.QuantityError:
        return None


def capped(usage: Usage, container: Obj) -> Usage:
    """A container cannot use more than its limit (CPU is throttled; memory would be OOMKilled)."""
    cpu_cap, memory_cap = limit(container, "cpu"), limit(container, "memory")
    return Usage(usage.cpu if cpu_cap is None else min(usage.cpu, cpu_cap),
                 usage.memory if memory_cap is None else min(usage.memory, memory_cap))


def traffic_cost(rps: float) -> Usage:
    return Usage(traffic.cpu_cost(rps), round(rps * MEMORY_PER_RPS))


def is_running(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running"


def container_usages(pod: Obj) -> list[tuple[str, Usage]]:
    """Each running container's usage; the first container serves the pod's traffic."""
    if not is_running(pod):
        return []
    running = {s.get("name") for s in (pod.get("status") or {}).get("containerStatuses") or []
               if "running" in (s.get("state") or {})}
    usages = []
    for index, container in enumerate((pod.get("spec") or {}).get("containers") or []):
        if running and container.get("name") not in running:
            continue
        usage = baseline(str(container.get("image", ""))) + jitter(pod)
        if index == 0:
            usage += traffic_cost(traffic.rate_of(pod))
        usages.append((str(container.get("name", "")), capped(usage, container)))
    return usages


def pod_usage(pod: Obj) -> Usage | None:
    """The whole pod's usage; None when it has no metrics (not running)."""
    usages = container_usages(pod)
    if not usages:
        return None
    total = Usage()
    for _, usage in usages:
        total += usage
    return total


def node_usage(pods_on_node: list[Obj]) -> Usage:
    total = SYSTEM
    for pod in pods_on_node:
        total += pod_usage(pod) or Usage()
    return total


# --- the metrics.k8s.io objects ----------------------------------------------------------

def usage_map(usage: Usage) -> dict[str, str]:
    """CPU in millicores (`12m`), memory in kibibytes (`3072Ki`), as `kubectl top` reads them."""
    return {"cpu": f"{usage.cpu}m", "memory": f"{usage.memory // 1024}Ki"}


def pod_metrics(pod: Obj, now: datetime) -> Obj | None:
    usages = container_usages(pod)
    if not usages:
        return None
    return {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": name_of(pod), "namespace": namespace_of(pod), "creationTimestamp": rfc3339(now),
                         "labels": dict(labels_of(pod))},
            "timestamp": rfc3339(now), "window": WINDOW,
            "containers": [{"name": name, "usage": usage_map(usage)} for name, usage in usages]}


def node_metrics(node: Obj, pods_on_node: list[Obj], now: datetime) -> Obj:
    return {"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": name_of(node), "creationTimestamp": rfc3339(now), "labels": dict(labels_of(node))},
            "timestamp": rfc3339(now), "window": WINDOW, "usage": usage_map(node_usage(pods_on_node))}
