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

Between start and stop, the rows of other modules join this table: failed image pulls
(`pulling`), probes (`probes`), and exits, crash loops and restarts (`restarts`). What each
container's process does is its plan (`process`); docs/containers.md has the rules.
"""

from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action, Emit, Remove, Update
from cluster.objects import Obj, Ref, condition, is_terminating, name_of, namespace_of, parse_time, uid_of
from cluster.stages import Round, Stage, mounts, probes, pulling, restarts
from cluster.stages import images as image_refs
from cluster.stages import pod_status as status
from cluster.stages.node import internal_ip, serving
from cluster.stages.pod_facts import (
    PodEvent,
    container_statuses,
    event,
    host,
    live_here,
    node_name,
    output,
    process_of,
    recorded,
    with_containers,
    with_status,
)
from cluster.stages.profiles import Delay, realistic

SANDBOX = Delay(1.0, jitter=0.5, salt="sandbox")
START = Delay(0.5, jitter=0.3, salt="start")
STOP = Delay(1.0, jitter=1.5, salt="stop")


# --- reading a pod ---------------------------------------------------------------------------

def finalized(pod: Obj) -> bool:
    return not pod.get("metadata", {}).get("finalizers")


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

def awaiting_kubelet(pod: Obj, rnd: Round) -> bool:
    return live_here(pod, rnd) and not container_statuses(pod)


def awaiting_sandbox(pod: Obj, rnd: Round) -> bool:
    return live_here(pod, rnd) and creating(pod) and not sandbox_is_ready(pod) and not mounts.blocked(pod, rnd)


def awaiting_volumes(pod: Obj, rnd: Round) -> bool:
    return live_here(pod, rnd) and creating(pod) and not sandbox_is_ready(pod) and mounts.blocked(pod, rnd)


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

def accept(pod: Obj, rnd: Round) -> list[Action]:
    node = host(pod, rnd) or {}
    new = with_status(pod, status.accepted(pod, internal_ip(node), rnd.now))
    return [Update(new, narration=f"kubelet on {node_name(pod)}: creating pod {name_of(pod)}")]


def create_sandbox(pod: Obj, rnd: Round) -> list[Action]:
    node = host(pod, rnd) or {}
    ip = pod_ip(pod, node, rnd)
    if ip is None:
        return []  # the node's range is full; the pod waits until a pod on this node goes away
    pulls = [event(pod, PodEvent.PULLING, pulling_message(str(c.get("image"))), str(c.get("name")))
             for c in status.containers(pod) if must_pull(c, node)]
    return [Update(with_status(pod, status.sandbox_ready(pod, ip, rnd.now))), *pulls]


def pod_ip(pod: Obj, node: Obj, rnd: Round) -> str | None:
    """A hostNetwork pod shares its node's address; any other gets the lowest free one of the node's range."""
    if (pod.get("spec") or {}).get("hostNetwork"):
        return internal_ip(node)
    return rnd.claim_pod_ip(node, used_ips(node, rnd))


def start_containers(pod: Obj, rnd: Round) -> list[Action]:
    """Each container starts, or waits in ErrImagePull when its image cannot be pulled."""
    actions: list[Action] = []
    changed: dict[str, dict[str, Any]] = {}
    pulled = pulled_here(pod, rnd)
    current = {str(cs.get("name")): cs for cs in container_statuses(pod)}
    for container in status.containers(pod):
        name, image = str(container.get("name")), str(container.get("image"))
        process = process_of(pod, container)
        if process.pull_error and image in pulled:
            changed[name], messages = pulling.pull_failed(container, current.get(name, {}), process.pull_error)
            actions += pulling.failure_events(pod, name, messages)
            continue
        changed[name] = status.running(container, uid_of(pod), rnd.now, ready=not container.get("readinessProbe"))
        actions += [pulled_event(pod, image, image in pulled, name),
                    event(pod, PodEvent.CREATED, f"Created container: {name}", name),
                    event(pod, PodEvent.STARTED, f"Started container {name}", name),
                    *output(pod, changed[name], process, rnd.now)]
    update = with_containers(pod, changed, rnd.now, narration=f"kubelet on {node_name(pod)}: pod {name_of(pod)} "
                                                              "is running")
    return [*update, *actions]


def pulled_event(pod: Obj, image: str, pulled: bool, container: str) -> Emit:
    if not pulled:
        return event(pod, PodEvent.PULLED,
                     f'Container image "{image}" already present on machine and can be accessed by the pod', container)
    took = image_refs.go_duration(image_refs.pull_seconds(image, uid_of(pod)))
    return event(pod, PodEvent.PULLED, f'Successfully pulled image "{image}" in {took} ({took} including waiting). '
                                       f"Image size: {image_refs.size(image)} bytes.", container)


def kill(pod: Obj, rnd: Round) -> list[Action]:
    return [event(pod, PodEvent.KILLING, killing_message(name), name) for name in unwarned(pod, rnd)]


def stop(pod: Obj, rnd: Round) -> list[Action]:
    new = with_status(pod, status.stopped(pod, rnd.now))
    return [Update(new, narration=f"kubelet on {node_name(pod)}: pod {name_of(pod)} stopped")]


def remove(pod: Obj, rnd: Round) -> list[Action]:
    where = f"{namespace_of(pod)}/{name_of(pod)}"
    return [Remove(Ref.to(pod), narration=f"kubelet on {node_name(pod) or '(no node)'}: pod {where} removed")]


def readiness_out_of_date(pod: Obj, rnd: Round) -> bool:
    """Running containers all ready, yet the pod says not Ready: the node controller marked it so
    while this node was unreachable, and the kubelet, back, reports the truth again."""
    statuses = container_statuses(pod)
    ready = condition(pod, "Ready")
    return (live_here(pod, rnd) and (pod.get("status") or {}).get("phase") == "Running" and bool(statuses)
            and all(cs.get("ready") for cs in statuses) and (ready is None or ready.get("status") != "True"))


def report_readiness(pod: Obj, rnd: Round) -> list[Action]:
    new = with_status(pod, status.summarized(pod, container_statuses(pod), rnd.now))
    return [Update(new, narration=f"kubelet on {node_name(pod)}: pod {name_of(pod)} is Ready again")]


STAGES = (
    Stage("pod-orphaned", "Pod", when=orphaned, then=remove),
    Stage("pod-ready-again", "Pod", when=readiness_out_of_date, then=report_readiness),
    Stage("pod-accept", "Pod", when=awaiting_kubelet, then=accept),
    Stage("pod-volumes-wait", "Pod", when=awaiting_volumes, then=mounts.warn),
    Stage("pod-sandbox", "Pod", when=awaiting_sandbox, then=create_sandbox, delay=SANDBOX, since=start_time),
    Stage("pod-start", "Pod", when=awaiting_start, then=start_containers, delay=pull_time, since=sandbox_time),
    *pulling.STAGES,
    *probes.STAGES[:2],  # Unhealthy events, then liveness kills: before the exits they cause are handled
    *restarts.STAGES,
    probes.STAGES[2],  # readiness, once the container is known to run
    Stage("pod-kill", "Pod", when=awaiting_kill, then=kill, since=deletion_time),
    Stage("pod-stop", "Pod", when=awaiting_stop, then=stop, delay=stop_time, since=deletion_time),
    Stage("pod-remove", "Pod", when=awaiting_removal, then=remove),
)
