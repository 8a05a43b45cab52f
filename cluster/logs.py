"""Container logs: what `kubectl logs` reads, and how they stay bounded.

A simulated container's output is written when it starts (the kubelet's pod stages append
its start-up lines and its script's `echo`s, each dated when it is printed, some in the
future) and later by whoever simulates traffic (access-log lines). `kubectl logs` sees the
lines of one run of one container (an *attempt*: its restartCount when it printed them)
that are dated within that run and not after the sandbox clock. A `while true` loop's
output is not stored at all: it is produced here, from the container's process plan.

Which run is read follows the kubelet: the current one, or with `previous` the one before;
a container in CrashLoopBackOff shows the run that crashed. The kubelet keeps two runs'
logs, so older attempts are deleted, and each run keeps its newest `KEEP` lines.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cluster import clock, errors
from cluster.actions import AppendLog
from cluster.models import LogLine, Sandbox
from cluster.objects import Obj, name_of, parse_time, uid_of
from cluster.stages import pod_status
from cluster.stages.pod_facts import process_of, spec_of

KEEP = 1000
Line = tuple[datetime, str]


@dataclass(frozen=True)
class Attempt:
    """One run of one container: the lines printed between `started` and `finished` (None: still running)."""

    pod: Obj
    container: str
    number: int
    started: datetime
    finished: datetime | None


# --- which container, which run --------------------------------------------------------------

def container_name(pod: Obj, asked: str) -> str:
    """The container a request means, refused as the API server refuses it."""
    names = [str(c.get("name")) for c in pod_status.containers(pod)]
    if asked:
        if asked not in names:
            raise errors.bad_request(f"container {asked} is not valid for pod {name_of(pod)}")
        return asked
    if len(names) != 1:
        raise errors.bad_request(f"a container name must be specified for pod {name_of(pod)}, "
                                 f"choose one of: [{' '.join(names)}]")
    return names[0]


def attempt(pod: Obj, container: str, *, previous: bool = False) -> Attempt | None:
    """The run to read (None: the pod is not on a node yet, so there is nothing, and no error)."""
    if not (pod.get("spec") or {}).get("nodeName"):
        return None
    cs = next((s for s in (pod.get("status") or {}).get("containerStatuses") or [] if s.get("name") == container),
              None)
    if cs is None:
        raise waiting_error(pod, container, pod_status.Reason.CONTAINER_CREATING)
    state, last = cs.get("state") or {}, (cs.get("lastState") or {}).get("terminated")
    count = int(cs.get("restartCount", 0))
    if previous or ("waiting" in state and last):
        if not last:
            raise errors.bad_request(f'previous terminated container "{container}" in pod "{name_of(pod)}" not found')
        return run_of(pod, container, count if "waiting" in state else count - 1, last)
    if "running" in state or "terminated" in state:
        return run_of(pod, container, count, state.get("running") or state["terminated"])
    raise waiting_error(pod, container, str((state.get("waiting") or {}).get("reason", "")))


def run_of(pod: Obj, container: str, number: int, state: dict[str, Any]) -> Attempt:
    started = parse_time(state.get("startedAt")) or datetime.min.replace(tzinfo=UTC)
    return Attempt(pod, container, number, started, parse_time(state.get("finishedAt")))


def waiting_error(pod: Obj, container: str, reason: str) -> errors.StatusError:
    explained: dict[str, str] = {pod_status.Reason.ERR_IMAGE_PULL: "image can't be pulled",
                                 pod_status.Reason.IMAGE_PULL_BACK_OFF: "trying and failing to pull image"}
    why = explained.get(reason, reason)
    if not why:
        return errors.bad_request(f'container "{container}" in pod "{name_of(pod)}" is waiting to start - no logs yet')
    return errors.bad_request(f'container "{container}" in pod "{name_of(pod)}" is waiting to start: {why}')


# --- reading -----------------------------------------------------------------------------------

def lines_of(sandbox: Sandbox, run: Attempt, now: datetime, after: datetime | None = None) -> list[Line]:
    """The run's lines up to now (or its end), oldest first; only those after `after` when given."""
    # finishedAt is stored in whole seconds, the lines to the microsecond: the run's last second counts.
    until = min(now, run.finished + timedelta(seconds=1)) if run.finished else now
    rows = LogLine.objects.filter(sandbox=sandbox, pod_uid=uid_of(run.pod), container=run.container,
                                  attempt=run.number, at__gte=run.started, at__lte=until)
    if after is not None:
        rows = rows.filter(at__gt=after)
    stored = list(rows.order_by("at", "id").values_list("at", "line")[:KEEP * 2])
    process = process_of(run.pod, spec_of(run.pod, run.container))
    looped = [(at, text) for at, text in process.loop_lines(run.started, until, KEEP)
              if after is None or at > after]
    return sorted([*stored, *looped], key=lambda line: line[0])


def timestamp(moment: datetime) -> str:
    """Kubernetes' `--timestamps` form: RFC 3339 with nine fractional digits."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}000Z"


def formatted(lines: list[Line], timestamps: bool) -> list[str]:
    return [f"{timestamp(at)} {text}\n" if timestamps else f"{text}\n" for at, text in lines]


def read(sandbox: Sandbox, pod: Obj, container: str = "", *, previous: bool = False, tail: int | None = None,
         since: datetime | None = None, limit_bytes: int | None = None, timestamps: bool = False) -> list[str]:
    """What `kubectl logs` prints: each element one line with its newline (the last may be cut by `limit_bytes`)."""
    run = attempt(pod, container_name(pod, container), previous=previous)
    if run is None:
        return []
    trim(sandbox, run)
    lines = [line for line in lines_of(sandbox, run, clock.now(sandbox)) if since is None or line[0] >= since]
    if tail is not None and tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    return limited(formatted(lines, timestamps), limit_bytes)


def limited(chunks: list[str], limit_bytes: int | None) -> list[str]:
    if limit_bytes is None:
        return chunks
    out, left = [], limit_bytes
    for chunk in chunks:
        data = chunk.encode()
        if len(data) >= left:
            if left:
                out.append(data[:left].decode(errors="ignore"))
            break
        out.append(chunk)
        left -= len(data)
    return out


def since_seconds(sandbox: Sandbox, seconds: int) -> datetime:
    return clock.now(sandbox) - timedelta(seconds=seconds)


# --- keeping logs bounded ------------------------------------------------------------------------

def trim(sandbox: Sandbox, run: Attempt) -> int:
    """Forget runs older than the previous one, and all but the newest `KEEP` lines of this run."""
    rows = LogLine.objects.filter(sandbox=sandbox, pod_uid=uid_of(run.pod), container=run.container)
    deleted, _ = rows.filter(attempt__lt=run.number - 1).delete()
    cutoff = list(rows.filter(attempt=run.number).order_by("-id").values_list("id", flat=True)[KEEP:KEEP + 1])
    if cutoff:
        more, _ = rows.filter(attempt=run.number, id__lte=cutoff[0]).delete()
        deleted += more
    return deleted


# --- writing, for other simulators -----------------------------------------------------------------

def access_line(at: datetime, client: str, method: str = "GET", path: str = "/", code: int = 200,
                size: int = 615, agent: str = "curl/8.5.0") -> str:
    """An nginx `combined` access-log line, as nginx prints one request."""
    stamp = at.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{client} - - [{stamp}] "{method} {path} HTTP/1.1" {code} {size} "-" "{agent}" "-"'


def access_log(pod: Obj, requests: list[tuple[datetime, str]], container: str = "") -> AppendLog | None:
    """Lines for requests (time, client address) served by `pod`'s container (its first by default)."""
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    name = container or next((str(c.get("name")) for c in pod_status.containers(pod)), "")
    cs = next((s for s in statuses if s.get("name") == name), None)
    if cs is None or not pod_status.is_running(cs) or not requests:
        return None
    lines = tuple((at, access_line(at, client)) for at, client in requests)
    return AppendLog(pod, name, int(cs.get("restartCount", 0)), lines)
