"""Traffic: a load generator on a Service, spread over its ready endpoints as kube-proxy does.

A learner starts load on a Service (`cluster.load` writes `kubelab.io/load-rps: "50"` on it).
kube-proxy in iptables mode sends each new connection to one of the Service's ready
endpoints at random, every endpoint with the same probability: over a few seconds that is
an even split, give or take a request. A pod that is not Ready is not an endpoint and gets
nothing. Each request costs the pod that serves it CPU (`CPU_PER_REQUEST`) and prints one
access-log line; the simulator keeps a sample of those lines, not one per request.

The endpoints come from the Service's Endpoints object when there is one (what kube-proxy
reads), else from the selector and the pods' readiness (what the Endpoints controller would
write). Pure: from objects and the clock to rates, counts and log lines.
"""

import random
from datetime import datetime, timedelta

from cluster import selectors
from cluster.objects import Obj, annotations_of, condition, is_terminating, labels_of, name_of, namespace_of, uid_of
from cluster.state import ClusterState

# On the Service: requests per second the load generator sends it (set by `cluster.load`).
LOAD_ANNOTATION = "kubelab.io/load-rps"
# On the Service: the end of the last window whose requests were logged.
WINDOW_ANNOTATION = "kubelab.io/load-window-start"
# On each pod: the requests per second it is being sent, for the diagram and the metrics.
RPS_ANNOTATION = "kubelab.io/rps"
# Sandbox seconds between two looks at the traffic (and two batches of access-log lines).
WINDOW_SECONDS = 5
# Each request keeps the serving container busy for 2 millicore-seconds: 50 requests a
# second cost 100m, so a pod requesting 100m reaches 100% utilisation at 50 req/s.
CPU_PER_REQUEST = 2
# Access-log lines kept per pod per window: a sample, not one line per request.
SAMPLE_LINES = 3
# Where the requests come from: the load generator, seen behind the node's bridge.
CLIENT_IP = "10.244.0.1"


def load_of(service: Obj) -> float:
    """The load on a Service in requests per second; anything unreadable means none."""
    try:
        rps = float(annotations_of(service).get(LOAD_ANNOTATION, "0"))
    except ValueError:
        return 0.0
    return rps if rps > 0 else 0.0


def loaded_services(state: ClusterState) -> list[Obj]:
    return [s for s in state.of_kind("Service") if load_of(s) > 0]


def endpoint_pods(service: Obj, state: ClusterState) -> list[Obj]:
    """The pods kube-proxy sends this Service's traffic to, by name."""
    endpoints = state.get("Endpoints", namespace_of(service), name_of(service))
    pods = _from_endpoints(endpoints, state) if endpoints is not None else _from_selector(service, state)
    return sorted(pods, key=name_of)


def _from_endpoints(endpoints: Obj, state: ClusterState) -> list[Obj]:
    found: dict[str, Obj] = {}
    for subset in endpoints.get("subsets") or []:
        for address in subset.get("addresses") or []:
            ref = address.get("targetRef") or {}
            pod = state.get("Pod", ref.get("namespace") or namespace_of(endpoints), ref.get("name", ""))
            if ref.get("kind") == "Pod" and pod is not None:
                found[name_of(pod)] = pod
    return list(found.values())


def _from_selector(service: Obj, state: ClusterState) -> list[Obj]:
    selector = (service.get("spec") or {}).get("selector")
    if not selector:
        return []  # a Service without a selector has hand-written Endpoints, or none
    matches = selectors.from_equality_map(selector)
    return [p for p in state.of_kind("Pod", "", namespace_of(service))
            if matches.matches(labels_of(p)) and is_serving(p)]


def is_serving(pod: Obj) -> bool:
    """Ready, running, not being deleted, and with an address: what makes a ready endpoint."""
    status = pod.get("status") or {}
    ready = (condition(pod, "Ready") or {}).get("status") == "True"
    return status.get("phase") == "Running" and ready and not is_terminating(pod) and bool(status.get("podIP"))


def rates(state: ClusterState) -> dict[str, float]:
    """Requests per second each pod is sent (by pod uid), over every loaded Service that picks it."""
    sent: dict[str, float] = {}
    for service in loaded_services(state):
        pods = endpoint_pods(service, state)
        for pod in pods:
            sent[uid_of(pod)] = sent.get(uid_of(pod), 0.0) + load_of(service) / len(pods)
    return sent


def format_rate(rps: float) -> str:
    """`25`, `16.7`: one decimal at most, so the diagram's number changes only when the split does."""
    return f"{rps:.1f}".removesuffix(".0")


def rate_of(pod: Obj) -> float:
    """The rate recorded on the pod by the traffic controller."""
    try:
        return max(float(annotations_of(pod).get(RPS_ANNOTATION, "0")), 0.0)
    except ValueError:
        return 0.0


def cpu_cost(rps: float) -> int:
    """Millicores that serving `rps` requests a second keeps busy."""
    return round(rps * CPU_PER_REQUEST)


def split(total: int, pod_names: list[str], seed: str) -> dict[str, int]:
    """`total` requests over the pods, as iptables' random choice spreads them: an even share
    each, and the requests left over to pods drawn at random (seeded, so a replay agrees)."""
    if not pod_names:
        return {}
    share, left = divmod(total, len(pod_names))
    counts = dict.fromkeys(pod_names, share)
    for name in random.Random(seed).sample(pod_names, left):
        counts[name] += 1
    return counts


def window_counts(service: Obj, pods: list[Obj], start: datetime, end: datetime) -> dict[str, int]:
    """How many of the Service's requests between `start` and `end` each pod served."""
    total = round(load_of(service) * (end - start).total_seconds())
    return split(total, [name_of(p) for p in pods], f"{uid_of(service)}/{start.isoformat()}")


def access_lines(count: int, start: datetime, end: datetime) -> tuple[tuple[datetime, str], ...]:
    """A sample of the access-log lines `count` requests printed, spread over the window."""
    shown = min(count, SAMPLE_LINES)
    step = (end - start) / (shown + 1) if shown else timedelta(0)
    return tuple((start + step * (i + 1), access_line(start + step * (i + 1))) for i in range(shown))


def access_line(at: datetime) -> str:
    """One line in nginx's `combined` format, which most web images print."""
    return f'{CLIENT_IP} - - [{at:%d/%b/%Y:%H:%M:%S} +0000] "GET / HTTP/1.1" 200 615 "-" "kubelab-load/1.0" "-"'
