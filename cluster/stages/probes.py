"""Readiness and liveness probes, decided by rule rather than by network calls.

A probe runs `initialDelaySeconds` after the container started, then every `periodSeconds`
(the ticks). Whether a tick succeeds follows from the container's process plan:
- `httpGet`, `tcpSocket`, `grpc`: the port must be one the process listens on (a server's
  well-known ports and the declared `containerPort`s); otherwise "connection refused".
  agnhost's `liveness` server answers /healthz for 10 s, then 500, as in the tutorial;
- `exec`: the command runs on paper against the files the process made: `cat /tmp/healthy`
  fails once the script has removed it; `false` fails;
- annotations `kubelab.io/fail-readiness: "true"` / `kubelab.io/fail-liveness: "true"` make
  every tick of that probe fail.

Readiness: a container is ready after `successThreshold` passing ticks in a row, unready
after `failureThreshold` failing ones; the pod's Ready condition follows, and Endpoints drop
an unready pod. Liveness: after `failureThreshold` failing ticks the kubelet kills the
container ("Container x failed liveness probe, will be restarted", exit code 137) and the
restart policy takes over. Each failing tick is an `Unhealthy` event.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cluster.actions import Action
from cluster.objects import Obj, annotations_of
from cluster.stages import Round, Stage, commands
from cluster.stages import pod_status as status
from cluster.stages.pod_facts import (
    PodEvent,
    Status,
    container_statuses,
    event,
    live_here,
    process_of,
    recorded_event,
    spec_of,
    started_at,
    with_containers,
)
from cluster.stages.process import Process
from cluster.stages.shell import Run

READINESS, LIVENESS = "Readiness", "Liveness"
FAIL_ANNOTATIONS = {READINESS: "kubelab.io/fail-readiness", LIVENESS: "kubelab.io/fail-liveness"}
SPEC_KEYS = {READINESS: "readinessProbe", LIVENESS: "livenessProbe"}
LIVENESS_EXIT_CODE = 137
AGNHOST_HEALTHY_SECONDS = 10.0
# Ticks looked at past the last moment a probe's answer can change: enough to settle any threshold.
HORIZON_TICKS = 50  # larger than any sensible threshold


@dataclass(frozen=True)
class Probe:
    kind: str
    spec: dict[str, Any]

    def number(self, key: str, default: int) -> int:
        value = self.spec.get(key)
        return int(value) if isinstance(value, int) and value > 0 else default

    @property
    def delay(self) -> float:
        value = self.spec.get("initialDelaySeconds")
        return float(value) if isinstance(value, int) and value > 0 else 0.0

    @property
    def period(self) -> float:
        return float(self.number("periodSeconds", 10))

    @property
    def failures(self) -> int:
        return self.number("failureThreshold", 3)

    @property
    def successes(self) -> int:
        return self.number("successThreshold", 1)

    def tick(self, k: int) -> float:
        return self.delay + k * self.period

    def ticks_until(self, offset: float) -> int:
        """How many ticks happened by `offset` seconds after the start."""
        return 0 if offset < self.delay else int((offset - self.delay) // self.period) + 1


def probe_of(container: dict[str, Any], kind: str) -> Probe | None:
    spec = container.get(SPEC_KEYS[kind])
    return Probe(kind, spec) if isinstance(spec, dict) else None


# --- one tick's answer ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A probe of one container, ready to answer at any offset."""

    probe: Probe
    container: dict[str, Any]
    process: Process
    ip: str
    forced: bool

    def answer(self, offset: float) -> tuple[bool, str]:
        handler = self.probe.spec
        if "exec" in handler:
            return self.exec((handler.get("exec") or {}).get("command") or [], offset)
        port = self.port((handler.get("httpGet") or handler.get("tcpSocket") or handler.get("grpc") or {}).get("port"))
        target = f"{self.ip}:{port}"
        if port not in self.process.ports:
            if "httpGet" in handler:
                url = f"http://{target}{(handler['httpGet'] or {}).get('path', '/')}"
                return False, f'Get "{url}": dial tcp {target}: connect: connection refused'
            return False, f"dial tcp {target}: connect: connection refused"
        if "httpGet" in handler and (self.forced or self.unhealthy_http(offset)):
            return False, f"HTTP probe failed with statuscode: {503 if self.probe.kind == READINESS else 500}"
        if self.forced and "grpc" in handler:
            return False, f'timeout: failed to connect service "{target}" within 1s'
        return (False, f"dial tcp {target}: i/o timeout") if self.forced else (True, "")

    def unhealthy_http(self, offset: float) -> bool:
        return self.process.program == "agnhost-liveness" and offset >= AGNHOST_HEALTHY_SECONDS

    def port(self, value: Any) -> int:
        """A port by number, or by the name of one of the container's ports."""
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
        for port in self.container.get("ports") or []:
            if isinstance(port, dict) and port.get("name") == value:
                return int(port.get("containerPort", 0))
        return 0

    def exec(self, argv: list[Any], offset: float) -> tuple[bool, str]:
        run = Run({}, commands)
        for path in self.process.files:
            run.files[path] = [(0.0, bool(self.process.has_file(path, offset)))]
        if argv:
            commands.run(run, [str(word) for word in argv])
        text = "\n".join(line for _, line in run.out)
        ok = run.status == 0 and not self.forced
        return ok, text if not ok else ""

    def breakpoints(self) -> list[float]:
        """Offsets where the answer may change; in between it stays the same."""
        moments = {t for history in self.process.files.values() for t, _ in history}
        if self.process.program == "agnhost-liveness":
            moments.add(AGNHOST_HEALTHY_SECONDS)
        return sorted(moments)


def check_of(pod: Obj, cs: Status, kind: str) -> Check | None:
    container = spec_of(pod, str(cs.get("name")))
    probe = probe_of(container, kind)
    if probe is None:
        return None
    forced = annotations_of(pod).get(FAIL_ANNOTATIONS[kind], "").lower() == "true"
    ip = str((pod.get("status") or {}).get("podIP", ""))
    return Check(probe, container, process_of(pod, container), ip, forced)


# --- a probe's history ---------------------------------------------------------------------------

def answers(check: Check, first: int, last: int) -> list[tuple[int, bool]]:
    """(tick, passed) for ticks first..last, asking once per stretch where the answer cannot change."""
    points = check.breakpoints()
    cache: dict[int, bool] = {}
    out = []
    for k in range(first, last + 1):
        segment = bisect_right(points, check.probe.tick(k))
        if segment not in cache:
            cache[segment] = check.answer(check.probe.tick(k))[0]
        out.append((k, cache[segment]))
    return out


def window(check: Check, upto: int) -> int:
    """The first tick that can still matter at tick `upto`.

    The answer only changes at breakpoints; once past the last one, it stays the same, and
    any threshold is met within `HORIZON_TICKS` ticks of the same answer.
    """
    points = check.breakpoints()
    settled = not points or check.probe.ticks_until(points[-1]) < upto - HORIZON_TICKS
    return max(0, upto - HORIZON_TICKS) if settled else 0


def ready_after(check: Check, ticks: int) -> bool:
    """Whether readiness holds after `ticks` ticks: unready at first, switched by runs of answers."""
    ready, passed, failed = False, 0, 0
    for _, ok in answers(check, window(check, ticks - 1), ticks - 1):
        passed, failed = (passed + 1, 0) if ok else (0, failed + 1)
        if passed >= check.probe.successes:
            ready = True
        if failed >= check.probe.failures:
            ready = False
    return ready


def kill_tick(check: Check, upto: int) -> int | None:
    """The first tick at which liveness has failed `failureThreshold` times in a row (searching up to `upto`)."""
    failed = 0
    for k, ok in answers(check, 0, upto):
        failed = 0 if ok else failed + 1
        if failed >= check.probe.failures:
            return k
    return None


def offset(cs: Status, now: datetime) -> float:
    started = started_at(cs)
    return (now - started).total_seconds() if started else -1.0


def at_tick(cs: Status, check: Check, k: int) -> datetime:
    started = started_at(cs)
    assert started is not None
    return started + timedelta(seconds=check.probe.tick(k))


def horizon(check: Check, done: int) -> int:
    """How far ahead to look for the next change: past the last breakpoint and any threshold."""
    points = check.breakpoints()
    last = check.probe.ticks_until(points[-1]) if points else 0
    return max(done, last) + max(check.probe.failures, check.probe.successes) + 1


# --- stages: readiness --------------------------------------------------------------------------

def readiness_flips(pod: Obj, rnd: Round) -> dict[str, datetime]:
    """Running containers whose ready flag is (or will be) out of step with their probe."""
    flips = {}
    for cs in container_statuses(pod):
        check = check_of(pod, cs, READINESS) if status.is_running(cs) else None
        if check is None:
            continue
        done = check.probe.ticks_until(offset(cs, rnd.now))
        for ticks in range(done, horizon(check, done) + 1):
            if ready_after(check, ticks) != bool(cs.get("ready")):
                flips[str(cs["name"])] = at_tick(cs, check, max(ticks - 1, 0)) if ticks else rnd.now
                break
    return flips


def flip_readiness(pod: Obj, rnd: Round) -> list[Action]:
    changed = {}
    for cs in container_statuses(pod):
        when = readiness_flips(pod, rnd).get(str(cs.get("name")))
        if when is not None and when <= rnd.now:
            changed[str(cs["name"])] = {**cs, "ready": not cs.get("ready")}
    said = ", ".join(f"{n} {'ready' if cs['ready'] else 'not ready'}" for n, cs in changed.items())
    return with_containers(pod, changed, rnd.now, narration=f"kubelet: pod {pod['metadata']['name']}: {said}")


# --- stages: Unhealthy events ---------------------------------------------------------------------

def failing_ticks(pod: Obj, rnd: Round) -> dict[tuple[str, str], tuple[datetime, str]]:
    """Per (container, probe kind): the next failing tick not yet reported, and its message."""
    due = {}
    for cs in container_statuses(pod):
        for kind in (READINESS, LIVENESS):
            check = check_of(pod, cs, kind) if status.is_running(cs) else None
            if check is not None:
                found = unreported(pod, cs, check, rnd)
                if found is not None:
                    due[(str(cs["name"]), kind)] = found
    return due


def unreported(pod: Obj, cs: Status, check: Check, rnd: Round) -> tuple[datetime, str] | None:
    done = check.probe.ticks_until(offset(cs, rnd.now))
    for k in range(max(done - 1, 0), horizon(check, done) + 1):
        ok, message = check.answer(check.probe.tick(k))
        when = at_tick(cs, check, k)
        if ok:
            continue
        text = f"{check.probe.kind} probe failed: {message}"
        last = recorded_event(pod, rnd, PodEvent.UNHEALTHY, text)
        reported = last is not None and str(last.get("lastTimestamp", "")) >= when.strftime("%Y-%m-%dT%H:%M:%SZ")
        if not reported:
            return when, text
    return None


def report_unhealthy(pod: Obj, rnd: Round) -> list[Action]:
    return [event(pod, PodEvent.UNHEALTHY, text, name, warning=True)
            for (name, _), (when, text) in failing_ticks(pod, rnd).items() if when <= rnd.now]


# --- stages: liveness kills --------------------------------------------------------------------------

def kills(pod: Obj, rnd: Round) -> dict[str, datetime]:
    found = {}
    for cs in container_statuses(pod):
        check = check_of(pod, cs, LIVENESS) if status.is_running(cs) else None
        if check is not None:
            done = check.probe.ticks_until(offset(cs, rnd.now))
            k = kill_tick(check, horizon(check, done))
            if k is not None:
                found[str(cs["name"])] = at_tick(cs, check, k)
    return found


def kill_unhealthy(pod: Obj, rnd: Round) -> list[Action]:
    changed, events = {}, []
    for cs in container_statuses(pod):
        when = kills(pod, rnd).get(str(cs.get("name")))
        if when is not None and when <= rnd.now:
            name = str(cs["name"])
            changed[name] = status.exited(cs, LIVENESS_EXIT_CODE, status.Reason.ERROR, when)
            events.append(event(pod, PodEvent.KILLING, f"Container {name} failed liveness probe, will be restarted",
                                name))
    return [*with_containers(pod, changed, rnd.now), *events]


def first(times: Any) -> Any:
    return lambda pod, rnd: min((t if isinstance(t, datetime) else t[0] for t in times(pod, rnd).values()),
                                default=None)


STAGES = (
    Stage("probe-unhealthy", "Pod", when=lambda p, r: live_here(p, r) and bool(failing_ticks(p, r)),
          then=report_unhealthy, since=first(failing_ticks)),
    Stage("probe-liveness-kill", "Pod", when=lambda p, r: live_here(p, r) and bool(kills(p, r)),
          then=kill_unhealthy, since=first(kills)),
    Stage("probe-readiness", "Pod", when=lambda p, r: live_here(p, r) and bool(readiness_flips(p, r)),
          then=flip_readiness, since=first(readiness_flips)),
)
