"""What the kubelet's pod stages read about a pod, and the small effects they share.

The pod stages are split by behaviour (`pod`: start and stop; `pulling`: failed image
pulls; `restarts`: exits and crash loops; `probes`: readiness and liveness), and all of
them ask the same questions: is this pod live on a serving node, what does each container's
status say, has the kubelet already said something (its events are its memory of actions
that leave no trace in the status), and what does the container's process plan say.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from cluster.actions import Action, AppendLog, Emit, Update
from cluster.objects import Obj, copy, is_terminating, name_of, parse_time, uid_of
from cluster.stages import Round
from cluster.stages import pod_status as status
from cluster.stages.node import KUBELET, serving
from cluster.stages.process import Process, plan


class PodEvent(StrEnum):
    PULLING = "Pulling"
    PULLED = "Pulled"
    CREATED = "Created"
    STARTED = "Started"
    KILLING = "Killing"
    FAILED = "Failed"
    BACK_OFF = "BackOff"
    UNHEALTHY = "Unhealthy"


Status = dict[str, Any]


def node_name(pod: Obj) -> str:
    return str((pod.get("spec") or {}).get("nodeName") or "")


def host(pod: Obj, rnd: Round) -> Obj | None:
    return rnd.node(node_name(pod))


def container_statuses(pod: Obj) -> list[Status]:
    return list((pod.get("status") or {}).get("containerStatuses") or [])


def spec_of(pod: Obj, name: str) -> dict[str, Any]:
    return next((c for c in status.containers(pod) if c.get("name") == name), {})


def live_here(pod: Obj, rnd: Round) -> bool:
    """Bound to a serving node, not deleted, not finished: the kubelet is bringing it up."""
    return (bool(node_name(pod)) and not is_terminating(pod) and serving(host(pod, rnd))
            and (pod.get("status") or {}).get("phase") not in status.FINISHED)


def process_of(pod: Obj, container: dict[str, Any]) -> Process:
    return plan(container, pod, str((pod.get("status") or {}).get("podIP", "")))


def started_at(cs: Status) -> datetime | None:
    return parse_time((cs.get("state") or {}).get("running", {}).get("startedAt"))


def recorded_event(pod: Obj, rnd: Round, reason: str, message: str) -> Obj | None:
    return rnd.state.similar_event((uid_of(pod), reason, message, KUBELET))


def recorded(pod: Obj, rnd: Round, reason: str, message: str) -> bool:
    """Whether this kubelet already said this about this pod: events are its memory of actions without status."""
    return recorded_event(pod, rnd, reason, message) is not None


def event(pod: Obj, reason: str, message: str, container: str = "", warning: bool = False) -> Emit:
    path = f"spec.containers{{{container}}}" if container else ""
    return Emit(pod, reason, message, KUBELET, type="Warning" if warning else "Normal", host=node_name(pod),
                field_path=path)


def with_status(pod: Obj, new_status: dict[str, Any]) -> Obj:
    new = copy(pod)
    new["status"] = new_status
    return new


def with_containers(pod: Obj, changed: dict[str, Status], now: datetime, narration: str = "") -> list[Action]:
    """The pod with some container statuses replaced, its phase and conditions worked out again (no write if none)."""
    if not changed:
        return []
    statuses = [changed.get(str(cs.get("name")), cs) for cs in container_statuses(pod)]
    return [Update(with_status(pod, status.summarized(pod, statuses, now)), narration=narration)]


def output(pod: Obj, cs: Status, process: Process, started: datetime) -> list[Action]:
    """What the container prints over its life (the shell's own lines; loops are read on demand)."""
    lines = process.lines(started)
    if not lines:
        return []
    return [AppendLog(pod, str(cs.get("name")), int(cs.get("restartCount", 0)), lines)]


def pod_name(pod: Obj) -> str:
    """How the kubelet names a pod in messages: `name_namespace(uid)`."""
    meta = pod.get("metadata", {})
    return f"{name_of(pod)}_{meta.get('namespace', '')}({uid_of(pod)})"
