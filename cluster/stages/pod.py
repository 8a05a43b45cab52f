"""Pod stages: how a kubelet starts the pods bound to its node, and stops them when deleted.

Starting, one stage (and one status write) at a time:
1. accept: the pod is bound here; it becomes Pending with its containers waiting in
   ContainerCreating;
2. sandbox: about a second later the pod's sandbox exists and has an IP; image pulls begin
   (`Pulling`), except for images the node already holds;
3. start: once the pulls are done, each container is created and started (`Pulled`,
   `Created`, `Started`) and the pod is Running and Ready.

Stopping, when the pod is deleted (it has a deletionTimestamp, its grace period running):
1. kill: the kubelet sends SIGTERM to each running container (`Killing`);
2. stop: the containers exit, within the grace period; the pod is finished;
3. remove: the kubelet confirms the deletion and the pod is gone (unless finalizers hold it).

A pod bound to a node that no longer exists, and a deleted pod never bound to a node, go
at once. Pods on a node whose kubelet is stopped stay as they are.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from cluster.actions import Action, Emit, Remove, Update
from cluster.objects import Obj, Ref, condition, copy, is_terminating, name_of, namespace_of, parse_time, uid_of
from cluster.stages import Round, Stage
from cluster.stages import images as image_refs
from cluster.stages import pod_status as status
from cluster.stages.node import KUBELET, internal_ip, serving
from cluster.stages.profiles import Delay, realistic

SANDBOX = Delay(1.0, jitter=0.5, salt="sandbox")
START = Delay(0.5, jitter=0.3, salt="start")
STOP = Delay(1.0, jitter=1.5, salt="stop")


class PodEvent(StrEnum):
    PULLING = "Pulling"
    PULLED = "Pulled"
    CREATED = "Created"
    STARTED = "Started"
    KILLING = "Killing"


# --- reading a pod ---------------------------------------------------------------------------

def node_name(pod: Obj) -> str:
    return str((pod.get("spec") or {}).get("nodeName") or "")


def host(pod: Obj, rnd: Round) -> Obj | None:
    return rnd.node(node_name(pod))


def finalized(pod: Obj) -> bool:
    return not pod.get("metadata", {}).get("finalizers")


def container_statuses(pod: Obj) -> list[dict[str, Any]]:
    return list((pod.get("status") or {}).get("containerStatuses") or [])


def creating(pod: Obj) -> bool:
    """Every container waits in ContainerCreating: the kubelet has not started any yet."""
    statuses = container_statuses(pod)
    reasons = {cs.get("state", {}).get("waiting", {}).get("reason") for cs in statuses}
    return bool(statuses) and reasons == {status.Reason.CONTAINER_CREATING}


def sandbox_is_ready(pod: Obj) -> bool:
    cond = condition(pod, status.PodCondition.READY_TO_START)
    return cond is not None and cond.get("status") == "True"


def pulling_message(image: str) -> str:
    return f'Pulling image "{image}"'


def killing_message(container: str) -> str:
    return f"Stopping container {container}"


def recorded(pod: Obj, rnd: Round, reason: str, message: str) -> bool:
    """Whether this kubelet already said this about this pod: events are its memory of actions without status."""
    return rnd.state.similar_event((uid_of(pod), reason, message, KUBELET)) is not None


def images_to_pull(pod: Obj, node: Obj) -> list[str]:
    """Images the pull policy makes the kubelet fetch: always for Always, when absent for IfNotPresent."""
    return [str(c.get("image")) for c in status.containers(pod) if must_pull(c, node)]


def must_pull(container: dict[str, Any], node: Obj) -> bool:
    """Always pulls every time; IfNotPresent only when the node lacks the image; Never never does."""
    policy = container.get("imagePullPolicy", "IfNotPresent")
    present = image_refs.on_node(node, str(container.get("image")))
    return policy == "Always" or (policy == "IfNotPresent" and not present)


def pulled_here(pod: Obj, rnd: Round) -> list[str]:
    """Images whose pull this pod started (its `Pulling` events)."""
    return [str(c.get("image")) for c in status.containers(pod)
            if recorded(pod, rnd, PodEvent.PULLING, pulling_message(str(c.get("image"))))]


def used_ips(node: Obj, rnd: Round) -> list[str]:
    return [str(p["status"]["podIP"]) for p in rnd.pods_on(name_of(node))
            if (p.get("status") or {}).get("podIP") and p["status"].get("phase") not in status.FINISHED
            and not p["spec"].get("hostNetwork")]


# --- predicates ------------------------------------------------------------------------------

def live_here(pod: Obj, rnd: Round) -> bool:
    """Bound to a serving node, not deleted, not finished: the kubelet is bringing it up."""
    return (bool(node_name(pod)) and not is_terminating(pod) and serving(host(pod, rnd))
            and (pod.get("status") or {}).get("phase") not in status.FINISHED)


def awaiting_kubelet(pod: Obj, rnd: Round) -> bool:
    return live_here(pod, rnd) and not container_statuses(pod)


def awaiting_sandbox(pod: Obj, rnd: Round) -> bool:
    return live_here(pod, rnd) and creating(pod) and not sandbox_is_ready(pod)


def awaiting_start(pod: Obj, rnd: Round) -> bool:
    return live_here(pod, rnd) and creating(pod) and sandbox_is_ready(pod)


def deleted_here(pod: Obj, rnd: Round) -> bool:
    return bool(node_name(pod)) and is_terminating(pod) and serving(host(pod, rnd))


def running_names(pod: Obj) -> list[str]:
    return [str(cs.get("name")) for cs in container_statuses(pod) if status.is_running(cs)]


def unwarned(pod: Obj, rnd: Round) -> list[str]:
    return [name for name in running_names(pod) if not recorded(pod, rnd, PodEvent.KILLING, killing_message(name))]


def awaiting_kill(pod: Obj, rnd: Round) -> bool:
    return deleted_here(pod, rnd) and bool(unwarned(pod, rnd))


def awaiting_stop(pod: Obj, rnd: Round) -> bool:
    return deleted_here(pod, rnd) and bool(running_names(pod)) and not unwarned(pod, rnd)


def awaiting_removal(pod: Obj, rnd: Round) -> bool:
    return deleted_here(pod, rnd) and not running_names(pod) and finalized(pod)


def orphaned(pod: Obj, rnd: Round) -> bool:
    """Bound to a node that is gone, or deleted before any node took it: nothing will ever stop it."""
    lost = bool(node_name(pod)) and host(pod, rnd) is None
    return finalized(pod) and (lost or (not node_name(pod) and is_terminating(pod)))


# --- when each step started ------------------------------------------------------------------

def start_time(pod: Obj, rnd: Round) -> datetime | None:
    return parse_time((pod.get("status") or {}).get("startTime"))


def sandbox_time(pod: Obj, rnd: Round) -> datetime | None:
    cond = condition(pod, status.PodCondition.READY_TO_START) or {}
    return parse_time(cond.get("lastTransitionTime"))


def deletion_time(pod: Obj, rnd: Round) -> datetime | None:
    """When deletion was asked for: deletionTimestamp is that moment plus the grace period."""
    meta = pod.get("metadata", {})
    deadline = parse_time(meta.get("deletionTimestamp"))
    return deadline and deadline - timedelta(seconds=int(meta.get("deletionGracePeriodSeconds") or 0))


def pull_time(pod: Obj, rnd: Round) -> timedelta:
    """The pulls this pod started, one after another, then the container start."""
    if not realistic(rnd.profile):
        return timedelta(0)
    pulls = sum(image_refs.pull_seconds(image, uid_of(pod)) for image in pulled_here(pod, rnd))
    return timedelta(seconds=pulls) + START(pod, rnd)


def stop_time(pod: Obj, rnd: Round) -> timedelta:
    """Containers exit a moment after SIGTERM, and never later than the grace period allows."""
    grace = timedelta(seconds=int(pod.get("metadata", {}).get("deletionGracePeriodSeconds") or 0))
    return min(STOP(pod, rnd), grace)


# --- effects ---------------------------------------------------------------------------------

def with_status(pod: Obj, new_status: dict[str, Any]) -> Obj:
    new = copy(pod)
    new["status"] = new_status
    return new


def event(pod: Obj, reason: str, message: str) -> Emit:
    return Emit(pod, reason, message, KUBELET, host=node_name(pod))


def accept(pod: Obj, rnd: Round) -> list[Action]:
    node = host(pod, rnd) or {}
    new = with_status(pod, status.accepted(pod, internal_ip(node), rnd.now))
    return [Update(new, narration=f"kubelet on {node_name(pod)}: creating pod {name_of(pod)}")]


def create_sandbox(pod: Obj, rnd: Round) -> list[Action]:
    node = host(pod, rnd) or {}
    ip = pod_ip(pod, node, rnd)
    if ip is None:
        return []  # the node's range is full; the pod waits until a pod on this node goes away
    pulls = [event(pod, PodEvent.PULLING, pulling_message(image)) for image in images_to_pull(pod, node)]
    return [Update(with_status(pod, status.sandbox_ready(pod, ip, rnd.now))), *pulls]


def pod_ip(pod: Obj, node: Obj, rnd: Round) -> str | None:
    """A hostNetwork pod shares its node's address; any other gets the lowest free one of the node's range."""
    if (pod.get("spec") or {}).get("hostNetwork"):
        return internal_ip(node)
    return rnd.claim_pod_ip(node, used_ips(node, rnd))


def start_containers(pod: Obj, rnd: Round) -> list[Action]:
    events: list[Action] = []
    pulled = pulled_here(pod, rnd)
    for container in status.containers(pod):
        name, image = str(container.get("name")), str(container.get("image"))
        events += [pulled_event(pod, image, image in pulled),
                   event(pod, PodEvent.CREATED, f"Created container: {name}"),
                   event(pod, PodEvent.STARTED, f"Started container {name}")]
    new = with_status(pod, status.started(pod, rnd.now))
    return [Update(new, narration=f"kubelet on {node_name(pod)}: pod {name_of(pod)} is running"), *events]


def pulled_event(pod: Obj, image: str, pulled: bool) -> Emit:
    if not pulled:
        return event(pod, PodEvent.PULLED,
                     f'Container image "{image}" already present on machine and can be accessed by the pod')
    took = image_refs.go_duration(image_refs.pull_seconds(image, uid_of(pod)))
    return event(pod, PodEvent.PULLED, f'Successfully pulled image "{image}" in {took} ({took} including waiting). '
                                       f"Image size: {image_refs.size(image)} bytes.")


def kill(pod: Obj, rnd: Round) -> list[Action]:
    return [event(pod, PodEvent.KILLING, killing_message(name)) for name in unwarned(pod, rnd)]


def stop(pod: Obj, rnd: Round) -> list[Action]:
    new = with_status(pod, status.stopped(pod, rnd.now))
    return [Update(new, narration=f"kubelet on {node_name(pod)}: pod {name_of(pod)} stopped")]


def remove(pod: Obj, rnd: Round) -> list[Action]:
    where = f"{namespace_of(pod)}/{name_of(pod)}"
    return [Remove(Ref.to(pod), narration=f"kubelet on {node_name(pod) or '(no node)'}: pod {where} removed")]


STAGES = (
    Stage("pod-orphaned", "Pod", when=orphaned, then=remove),
    Stage("pod-accept", "Pod", when=awaiting_kubelet, then=accept),
    Stage("pod-sandbox", "Pod", when=awaiting_sandbox, then=create_sandbox, delay=SANDBOX, since=start_time),
    Stage("pod-start", "Pod", when=awaiting_start, then=start_containers, delay=pull_time, since=sandbox_time),
    Stage("pod-kill", "Pod", when=awaiting_kill, then=kill, since=deletion_time),
    Stage("pod-stop", "Pod", when=awaiting_stop, then=stop, delay=stop_time, since=deletion_time),
    Stage("pod-remove", "Pod", when=awaiting_removal, then=remove),
)
