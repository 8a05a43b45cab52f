"""Container exits and restarts: completion, crash loops and Kubernetes' restart back-off.

A container's process (see `process`) may end by itself: `sleep 5` after five seconds, a
failing script at once, an OOM kill a second in. Its status becomes `terminated` with the
exit code and reason (Completed for 0, Error otherwise, or OOMKilled). Whether it comes
back depends on the pod's `restartPolicy`: Always restarts every exit, OnFailure only
non-zero ones, Never none. With nothing left running, the pod is Succeeded or Failed.

Restarts follow the kubelet's back-off: the first exit restarts at once; each later one
waits in `CrashLoopBackOff` 10 s, then 20, 40, ... up to 5 minutes; a run longer than
10 minutes resets it. The kubelet keeps that back-off in memory; we read it back from what
the status shows: the gap between the last exit and the current run's start is the
previous back-off, and the waiting message names the current one ("back-off 40s ...").
"""

import re
from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action
from cluster.objects import Obj, parse_time, uid_of
from cluster.stages import Round, Stage
from cluster.stages import images as image_refs
from cluster.stages import pod_status as status
from cluster.stages.pod_facts import (
    PodEvent,
    Status,
    container_statuses,
    event,
    live_here,
    output,
    pod_name,
    process_of,
    spec_of,
    started_at,
    with_containers,
)
from cluster.stages.profiles import Delay

INITIAL_BACK_OFF = 10.0
MAX_BACK_OFF = 300.0
RESET_AFTER = 600.0  # a run this long forgives earlier crashes
STEPS = (10.0, 20.0, 40.0, 80.0, 160.0, 300.0)
# The kubelet notices an exit at its next relist (about a second).
NOTICE = Delay(1.0, jitter=1.0, salt="notice")
BACK_OFF_MESSAGE = re.compile(r"^back-off (\S+) restarting")


# --- back-off arithmetic ----------------------------------------------------------------------

def go_duration(seconds: float) -> str:
    """Whole seconds as Go prints a Duration: `10s`, `1m20s`, `5m0s`."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest}s" if minutes else f"{rest}s"


def parse_go_duration(text: str) -> float:
    minutes, _, rest = text.rpartition("m")
    return float(minutes or 0) * 60 + float(rest.rstrip("s") or 0)


def step_at_most(seconds: float) -> float:
    """The back-off step a gap stands for (0 when the restart was immediate)."""
    return max((step for step in STEPS if step <= seconds + 1.0), default=0.0)


def back_off(cs: Status) -> float | None:
    """How long a container that just exited waits before it starts again (None: it starts at once)."""
    end = (cs.get("state") or {}).get("terminated") or {}
    started, finished = parse_time(end.get("startedAt")), parse_time(end.get("finishedAt"))
    if int(cs.get("restartCount", 0)) == 0 or started is None or finished is None:
        return None
    if (finished - started).total_seconds() > RESET_AFTER:
        return None
    previous_end = parse_time(((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
    previous = step_at_most((started - previous_end).total_seconds()) if previous_end else 0.0
    return INITIAL_BACK_OFF if not previous else min(previous * 2, MAX_BACK_OFF)


def waiting_back_off(cs: Status) -> float:
    match = BACK_OFF_MESSAGE.match(((cs.get("state") or {}).get("waiting") or {}).get("message", ""))
    return parse_go_duration(match.group(1)) if match else INITIAL_BACK_OFF


def crash_message(pod: Obj, name: str, seconds: float) -> str:
    return f"back-off {go_duration(seconds)} restarting failed container={name} pod={pod_name(pod)}"


def back_off_event_message(pod: Obj, name: str) -> str:
    return f"Back-off restarting failed container {name} in pod {pod_name(pod)}"


# --- which containers are where ---------------------------------------------------------------

def finished_at(cs: Status) -> datetime | None:
    return parse_time(((cs.get("state") or {}).get("terminated") or {}).get("finishedAt"))


def exit_time(pod: Obj, cs: Status) -> datetime | None:
    """When a running container's process ends by itself (None: it runs until stopped)."""
    started = started_at(cs)
    process = process_of(pod, spec_of(pod, str(cs.get("name"))))
    if started is None or process.runs_for is None:
        return None
    return started + timedelta(seconds=process.runs_for)


def restartable(pod: Obj, cs: Status) -> bool:
    end = (cs.get("state") or {}).get("terminated")
    policy = (pod.get("spec") or {}).get("restartPolicy", "Always")
    return end is not None and (policy == "Always" or (policy == "OnFailure" and end.get("exitCode") != 0))


def restart_time(pod: Obj, cs: Status, rnd: Round) -> datetime | None:
    """When a container waiting to come back starts again."""
    state = cs.get("state") or {}
    if restartable(pod, cs) and back_off(cs) is None:
        end = finished_at(cs)
        return end and end + NOTICE(pod, rnd)
    if state.get("waiting", {}).get("reason") == status.Reason.CRASH_LOOP:
        end = parse_time(((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
        return end and end + timedelta(seconds=waiting_back_off(cs))
    return None


def crash_time(pod: Obj, cs: Status, rnd: Round) -> datetime | None:
    """When an exited container that must wait is seen to be in CrashLoopBackOff."""
    if not restartable(pod, cs) or back_off(cs) is None:
        return None
    end = finished_at(cs)
    return end and end + NOTICE(pod, rnd)


def due(times: list[datetime | None]) -> datetime | None:
    return min((t for t in times if t is not None), default=None)


def exits(pod: Obj, rnd: Round) -> dict[str, datetime]:
    return {str(cs["name"]): t for cs in container_statuses(pod) if (t := exit_time(pod, cs)) is not None}


def crashes(pod: Obj, rnd: Round) -> dict[str, datetime]:
    return {str(cs["name"]): t for cs in container_statuses(pod) if (t := crash_time(pod, cs, rnd)) is not None}


def restarts(pod: Obj, rnd: Round) -> dict[str, datetime]:
    return {str(cs["name"]): t for cs in container_statuses(pod) if (t := restart_time(pod, cs, rnd)) is not None}


# --- effects ------------------------------------------------------------------------------------

def by_name(pod: Obj) -> dict[str, Status]:
    return {str(cs.get("name")): cs for cs in container_statuses(pod)}


def exit_containers(pod: Obj, rnd: Round) -> list[Action]:
    changed = {}
    for name, when in exits(pod, rnd).items():
        if when <= rnd.now:
            process = process_of(pod, spec_of(pod, name))
            changed[name] = status.exited(by_name(pod)[name], process.exit_code, process.reason, when)
    said = ", ".join(f"{n} exited with {cs['state']['terminated']['exitCode']}" for n, cs in changed.items())
    return with_containers(pod, changed, rnd.now, narration=f"kubelet: pod {pod['metadata']['name']}: {said}")


def enter_crash_loop(pod: Obj, rnd: Round) -> list[Action]:
    changed, events = {}, []
    for name, when in crashes(pod, rnd).items():
        if when <= rnd.now:
            wait = back_off(by_name(pod)[name]) or INITIAL_BACK_OFF
            changed[name] = status.waiting_as(by_name(pod)[name], status.Reason.CRASH_LOOP,
                                              crash_message(pod, name, wait))
            events.append(event(pod, PodEvent.BACK_OFF, back_off_event_message(pod, name), name, warning=True))
    return [*with_containers(pod, changed, rnd.now), *events]


def restart_containers(pod: Obj, rnd: Round) -> list[Action]:
    changed: dict[str, Status] = {}
    actions: list[Action] = []
    for name, when in restarts(pod, rnd).items():
        if when <= rnd.now:
            changed[name], more = restarted(pod, by_name(pod)[name], when)
            actions += more
    return [*with_containers(pod, changed, rnd.now), *actions]


def restarted(pod: Obj, cs: Status, when: datetime) -> tuple[Status, list[Action]]:
    """The container's next run: restartCount one up, the run that ended kept as lastState."""
    name = str(cs.get("name"))
    container = spec_of(pod, name)
    state = cs.get("state") or {}
    last = {"terminated": state["terminated"]} if "terminated" in state else cs.get("lastState") or {}
    new = status.running(container, uid_of(pod), when, restart_count=int(cs.get("restartCount", 0)) + 1,
                         last_state=last, ready=not container.get("readinessProbe"))
    return new, [*start_events(pod, container), *output(pod, new, process_of(pod, container), when)]


def start_events(pod: Obj, container: dict[str, Any]) -> list[Action]:
    name, image = str(container.get("name")), str(container.get("image"))
    if container.get("imagePullPolicy") == "Always":
        took = image_refs.go_duration(image_refs.pull_seconds(image, uid_of(pod)))
        pulled = [event(pod, PodEvent.PULLING, f'Pulling image "{image}"', name),
                  event(pod, PodEvent.PULLED, f'Successfully pulled image "{image}" in {took} ({took} including '
                                              f"waiting). Image size: {image_refs.size(image)} bytes.", name)]
    else:
        pulled = [event(pod, PodEvent.PULLED, f'Container image "{image}" already present on machine and can be '
                                              "accessed by the pod", name)]
    return [*pulled, event(pod, PodEvent.CREATED, f"Created container: {name}", name),
            event(pod, PodEvent.STARTED, f"Started container {name}", name)]


def first_due(times: Any) -> Any:
    return lambda pod, rnd: due(list(times(pod, rnd).values()))


STAGES = (
    Stage("container-exit", "Pod", when=lambda p, r: live_here(p, r) and bool(exits(p, r)), then=exit_containers,
          since=first_due(exits)),
    Stage("container-crash-loop", "Pod", when=lambda p, r: live_here(p, r) and bool(crashes(p, r)),
          then=enter_crash_loop, since=first_due(crashes)),
    Stage("container-restart", "Pod", when=lambda p, r: live_here(p, r) and bool(restarts(p, r)),
          then=restart_containers, since=first_due(restarts)),
)
