"""Traffic controller: carries the load generators' requests to the pods, as kube-proxy would.

Two jobs, both from `cluster.traffic`:
1. every pod's `kubelab.io/rps` annotation says how many requests a second it is being sent
   (the diagram draws it, the metrics turn it into CPU). It is written only when the split
   changes (a pod became ready, the load changed), not on every look;
2. while a Service has load, every `WINDOW_SECONDS` of sandbox time its requests over the
   window are counted per pod and a sample of their access-log lines is appended to the
   serving containers' logs; the Service's window annotation records what was logged, so
   running the controller again on the same state logs nothing twice.
"""

from datetime import datetime, timedelta

from cluster import traffic
from cluster.actions import Action, AppendLog, Update, WakeAt
from cluster.objects import Obj, annotations_of, copy, meta, name_of, parse_time, rfc3339, uid_of
from cluster.state import ClusterState

WINDOW = timedelta(seconds=traffic.WINDOW_SECONDS)


def reconcile(state: ClusterState) -> list[Action]:
    actions = rate_updates(state, traffic.rates(state))
    for service in traffic.loaded_services(state):
        actions += log_window(service, state)
    return actions


def rate_updates(state: ClusterState, rates: dict[str, float]) -> list[Action]:
    actions: list[Action] = []
    for pod in state.of_kind("Pod"):
        rps = rates.get(uid_of(pod), 0.0)
        wanted = traffic.format_rate(rps) if rps > 0 else None
        if annotations_of(pod).get(traffic.RPS_ANNOTATION) != wanted:
            actions.append(Update(with_annotation(pod, traffic.RPS_ANNOTATION, wanted),
                                  narration=f"kube-proxy: pod {name_of(pod)} now gets {wanted or 0} requests/s"))
    return actions


def with_annotation(obj: Obj, key: str, value: str | None) -> Obj:
    changed = copy(obj)
    annotations = meta(changed).setdefault("annotations", {})
    if value is None:
        annotations.pop(key, None)
    else:
        annotations[key] = value
    return changed


def log_window(service: Obj, state: ClusterState) -> list[Action]:
    start = parse_time(annotations_of(service).get(traffic.WINDOW_ANNOTATION))
    if start is None:  # load set by hand: count from now on
        return [Update(with_annotation(service, traffic.WINDOW_ANNOTATION, rfc3339(state.now)))]
    if state.now < start + WINDOW:
        return [WakeAt(start + WINDOW)]
    pods = traffic.endpoint_pods(service, state)
    counts = traffic.window_counts(service, pods, start, state.now)
    actions: list[Action] = [a for p in pods if (a := log_action(p, counts.get(name_of(p), 0), start, state.now))]
    return [*actions, Update(with_annotation(service, traffic.WINDOW_ANNOTATION, rfc3339(state.now))),
            WakeAt(state.now + WINDOW)]


def log_action(pod: Obj, count: int, start: datetime, end: datetime) -> AppendLog | None:
    """The sampled access-log lines, in the first container's log (the one serving the port)."""
    containers = (pod.get("spec") or {}).get("containers") or []
    lines = traffic.access_lines(count, start, end)
    if not containers or not lines:
        return None
    name = containers[0].get("name", "")
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    attempt = next((int(s.get("restartCount", 0)) for s in statuses if s.get("name") == name), 0)
    return AppendLog(pod, name, attempt, lines)
