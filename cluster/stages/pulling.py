"""Image pulls that fail: ErrImagePull, then ImagePullBackOff, then another try, with back-off.

Which pulls fail, and with which error, is decided in `pulls`. When the pod starts, a
container whose image fails waits in `ErrImagePull` (its message: containerd's error) and
the kubelet says so twice ("Failed to pull image ...", "Error: ErrImagePull"). A moment
later it waits in `ImagePullBackOff` ("Back-off pulling image ..."). When the back-off is
over (10 s after the first failure, then 20, 40, ... up to 5 minutes), the kubelet pulls
again: `Pulling`, and either the same failure or, if the image was fixed meanwhile, a
started container. The kubelet's back-off lives in memory; here the `Failed to pull image`
event keeps it: its count is the number of failures, its lastTimestamp the latest one.
"""

from datetime import datetime, timedelta

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
    process_of,
    recorded_event,
    spec_of,
    with_containers,
)
from cluster.stages.restarts import MAX_BACK_OFF, NOTICE

INITIAL_BACK_OFF = 10.0


def failed_message(image: str, error: str) -> str:
    return f'Failed to pull image "{image}": {error}'


def back_off_message(image: str) -> str:
    return f'Back-off pulling image "{image}"'


def waiting_reason(cs: Status) -> str:
    return str(((cs.get("state") or {}).get("waiting") or {}).get("reason", ""))


def last_failure(pod: Obj, cs: Status, rnd: Round) -> tuple[datetime, int] | None:
    """When the latest pull of this container's image failed, and how many have failed."""
    image = str(cs.get("image", ""))
    error = process_of(pod, spec_of(pod, str(cs.get("name")))).pull_error or ""
    found = recorded_event(pod, rnd, PodEvent.FAILED, failed_message(image, error))
    when = parse_time(str(found.get("lastTimestamp"))) if found else None
    return (when, int(found.get("count", 1))) if found and when else None


def pull_failed(container: dict[str, object], cs: Status, error: str) -> tuple[Status, list[tuple[str, str]]]:
    """A pull that failed: the status and the two Failed events a kubelet records."""
    image = str(container.get("image"))
    new = status.waiting_as({**cs, "image": image, "imageID": ""}, status.Reason.ERR_IMAGE_PULL, error)
    return new, [(failed_message(image, error), ""), (f"Error: {status.Reason.ERR_IMAGE_PULL}", "")]


def failure_events(pod: Obj, name: str, messages: list[tuple[str, str]]) -> list[Action]:
    return [event(pod, PodEvent.FAILED, message, name, warning=True) for message, _ in messages]


# --- ErrImagePull -> ImagePullBackOff -----------------------------------------------------------

def backing_off(pod: Obj, rnd: Round) -> dict[str, datetime]:
    """Containers just failed to pull: they show ImagePullBackOff at the kubelet's next look."""
    found = {}
    for cs in container_statuses(pod):
        if waiting_reason(cs) == status.Reason.ERR_IMAGE_PULL:
            failure = last_failure(pod, cs, rnd)  # None once the event expired: go on at once
            found[str(cs["name"])] = (failure[0] if failure else rnd.now) + NOTICE(pod, rnd)
    return found


def back_off(pod: Obj, rnd: Round) -> list[Action]:
    changed: dict[str, Status] = {}
    events: list[Action] = []
    for cs in container_statuses(pod):
        when = backing_off(pod, rnd).get(str(cs.get("name")))
        if when is None or when > rnd.now:
            continue
        name, image = str(cs["name"]), str(cs.get("image", ""))
        error = ((cs.get("state") or {}).get("waiting") or {}).get("message", "")
        message = f"{back_off_message(image)}: {status.Reason.ERR_IMAGE_PULL}: {error}"
        changed[name] = status.waiting_as(cs, status.Reason.IMAGE_PULL_BACK_OFF, message)
        events += [event(pod, PodEvent.BACK_OFF, back_off_message(image), name),
                   event(pod, PodEvent.FAILED, f"Error: {status.Reason.IMAGE_PULL_BACK_OFF}", name, warning=True)]
    return [*with_containers(pod, changed, rnd.now), *events]


# --- ImagePullBackOff -> another pull -----------------------------------------------------------

def retries(pod: Obj, rnd: Round) -> dict[str, datetime]:
    """Containers whose pull back-off is over, or whose image was changed meanwhile."""
    found = {}
    for cs in container_statuses(pod):
        if waiting_reason(cs) != status.Reason.IMAGE_PULL_BACK_OFF:
            continue
        failure = last_failure(pod, cs, rnd)
        if failure is None or cs.get("image") != spec_of(pod, str(cs["name"])).get("image"):
            found[str(cs["name"])] = rnd.now
        else:
            when, count = failure
            found[str(cs["name"])] = when + timedelta(seconds=min(INITIAL_BACK_OFF * 2 ** (count - 1), MAX_BACK_OFF))
    return found


def retry(pod: Obj, rnd: Round) -> list[Action]:
    changed: dict[str, Status] = {}
    actions: list[Action] = []
    for cs in container_statuses(pod):
        when = retries(pod, rnd).get(str(cs.get("name")))
        if when is not None and when <= rnd.now:
            changed[str(cs["name"])], more = pulled_again(pod, cs, rnd.now)
            actions += more
    return [*with_containers(pod, changed, rnd.now), *actions]


def pulled_again(pod: Obj, cs: Status, now: datetime) -> tuple[Status, list[Action]]:
    name = str(cs["name"])
    container = spec_of(pod, name)
    image = str(container.get("image"))
    process = process_of(pod, container)
    pulling = event(pod, PodEvent.PULLING, f'Pulling image "{image}"', name)
    if process.pull_error:
        new, messages = pull_failed(container, cs, process.pull_error)
        return new, [pulling, *failure_events(pod, name, messages)]
    new = status.running(container, uid_of(pod), now, restart_count=int(cs.get("restartCount", 0)),
                         last_state=cs.get("lastState") or {}, ready=not container.get("readinessProbe"))
    took = image_refs.go_duration(image_refs.pull_seconds(image, uid_of(pod)))
    return new, [pulling, event(pod, PodEvent.PULLED, f'Successfully pulled image "{image}" in {took} ({took} '
                                                      f"including waiting). Image size: {image_refs.size(image)} "
                                                      "bytes.", name),
                 event(pod, PodEvent.CREATED, f"Created container: {name}", name),
                 event(pod, PodEvent.STARTED, f"Started container {name}", name), *output(pod, new, process, now)]


def first(times: object) -> object:
    return lambda pod, rnd: min(times(pod, rnd).values(), default=None)  # type: ignore[operator]


STAGES = (
    Stage("image-pull-back-off", "Pod", when=lambda p, r: live_here(p, r) and bool(backing_off(p, r)),
          then=back_off, since=first(backing_off)),  # type: ignore[arg-type]
    Stage("image-pull-retry", "Pod", when=lambda p, r: live_here(p, r) and bool(retries(p, r)),
          then=retry, since=first(retries)),  # type: ignore[arg-type]
)
