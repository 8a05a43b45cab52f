"""Starting and stopping a load generator on a Service: what a learner does to make traffic.

The setting lives on the Service itself, as the annotation `kubelab.io/load-rps`, so it is
part of the sandbox's state like everything else: a watcher sees it, a reset clears it, and
the traffic controller (`cluster.controllers.traffic`) reads it to spread the requests over
the Service's ready pods. Writes go through the store, as every write does.
"""

import math

from cluster import clock, errors, kinds, store, traffic
from cluster.models import Sandbox
from cluster.objects import Obj, meta, rfc3339

# A bound that keeps a typo (5000000) from turning into absurd CPU numbers.
MAX_RPS = 10_000


def start_load(sandbox: Sandbox, namespace: str, service: str, rps: float) -> Obj:
    """Send `rps` requests a second to the Service from now on (0 stops the load)."""
    if not isinstance(rps, int | float) or not math.isfinite(rps) or rps < 0 or rps > MAX_RPS:
        raise errors.bad_request(f"requests per second must be between 0 and {MAX_RPS}, not {rps!r}")
    if rps == 0:
        return stop_load(sandbox, namespace, service)
    started = rfc3339(clock.now(sandbox))

    def with_load(obj: Obj) -> Obj:
        annotations = meta(obj).setdefault("annotations", {})
        annotations[traffic.LOAD_ANNOTATION] = traffic.format_rate(float(rps))
        annotations.setdefault(traffic.WINDOW_ANNOTATION, started)
        return obj
    return store.patch(sandbox, _service_kind(), namespace, service, with_load)


def stop_load(sandbox: Sandbox, namespace: str, service: str) -> Obj:
    """Stop sending requests; the pods' rates drop to nothing at the traffic controller's next look."""
    def without_load(obj: Obj) -> Obj:
        annotations = meta(obj).get("annotations") or {}
        for key in (traffic.LOAD_ANNOTATION, traffic.WINDOW_ANNOTATION):
            annotations.pop(key, None)
        return obj
    return store.patch(sandbox, _service_kind(), namespace, service, without_load)


def _service_kind() -> kinds.Kind:
    kind = kinds.by_kind("", "Service")
    if kind is None:
        raise errors.not_found("services", "", "")
    return kind
