"""`GET .../pods/<name>/log`: a container's output as plain text, what `kubectl logs` prints.

Query parameters, as kube-apiserver takes them: `container`, `previous`, `tailLines`,
`sinceSeconds` or `sinceTime`, `limitBytes`, `timestamps`, `follow`. The reading itself is
`cluster.logs`; this module parses, refuses what Kubernetes refuses (as 400 BadRequest
Status objects, which kubectl prints as `Error from server (BadRequest): ...`), and renders.

`follow=true` keeps the response open: it sends what there is, then new lines as the
sandbox clock reaches them. It wakes on the sandbox's change hints (the same Channels group
HTTP watches listen to) and looks every second anyway, because lines dated in the future
appear by the clock alone. It ends when the run it follows ends, or when the client leaves.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from channels.db import database_sync_to_async
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from cluster import clock, errors, logs, store
from cluster.models import Sandbox
from cluster.objects import Obj, parse_time, uid_of
from web.kubeapi.crud import namespace_of
from web.kubeapi.paths import Target
from web.kubeapi.watch import subscription

TEXT = "text/plain"
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class LogOptions:
    container: str = ""
    previous: bool = False
    follow: bool = False
    timestamps: bool = False
    tail: int | None = None
    since_seconds: int | None = None
    since_time: datetime | None = None
    limit_bytes: int | None = None


def flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "").lower() in ("true", "1")


def number(request: HttpRequest, name: str, least: int) -> int | None:
    text = request.GET.get(name)
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise errors.bad_request(f'invalid value "{text}" for {name}: it must be an integer') from None
    if value < least:
        relation = "greater than or equal to 0" if least == 0 else "greater than 0"
        raise errors.bad_request(f"PodLogOptions is invalid: {name}: Invalid value: {value}: must be {relation}")
    return value


def parse_options(request: HttpRequest) -> LogOptions:
    since_time = parse_time(request.GET.get("sinceTime") or None)
    since_seconds = number(request, "sinceSeconds", 1)
    if since_time is not None and since_seconds is not None:
        raise errors.bad_request("PodLogOptions is invalid: at most one of `sinceTime` or `sinceSeconds` may be "
                                 "specified")
    return LogOptions(request.GET.get("container", ""), flag(request, "previous"), flag(request, "follow"),
                      flag(request, "timestamps"), number(request, "tailLines", 0), since_seconds, since_time,
                      number(request, "limitBytes", 1))


def since(sandbox: Sandbox, options: LogOptions) -> datetime | None:
    if options.since_seconds is not None:
        return logs.since_seconds(sandbox, options.since_seconds)
    return options.since_time


def get_log(request: HttpRequest, sandbox: Sandbox, target: Target) -> HttpResponseBase:
    options = parse_options(request)
    pod = store.get(sandbox, target.kind, namespace_of(target), target.name)
    container = logs.container_name(pod, options.container)
    chunks = logs.read(sandbox, pod, container, previous=options.previous, tail=options.tail,
                       since=since(sandbox, options), limit_bytes=options.limit_bytes, timestamps=options.timestamps)
    if not options.follow or options.previous:
        return HttpResponse("".join(chunks).encode(), content_type=TEXT)
    run = logs.attempt(pod, container)
    if run is None:
        return HttpResponse(b"", content_type=TEXT)
    follower = Follower(sandbox.pk, pod, container, run.number, options.timestamps, clock.now(sandbox))
    response = StreamingHttpResponse(follower.stream(chunks), content_type=TEXT)
    response["Cache-Control"] = "no-cache, private"
    return response


# --- following ------------------------------------------------------------------------------------

@dataclass
class Step:
    chunks: list[str] = field(default_factory=list)
    done: bool = False


@dataclass
class Follower:
    """One `logs -f`: where it stands (the newest moment sent) in one run of one container."""

    sandbox_id: int
    pod: Obj
    container: str
    number: int
    timestamps: bool
    position: datetime

    async def stream(self, first: list[str]) -> AsyncIterator[bytes]:
        try:
            for chunk in first:
                yield chunk.encode()
            async with subscription(self.sandbox_id) as hints:
                while True:
                    step = await database_sync_to_async(self.more)()
                    for chunk in step.chunks:
                        yield chunk.encode()
                    if step.done:
                        return
                    await hints.wait(POLL_SECONDS)
        finally:  # also when the client went away and Django cancelled the stream
            await database_sync_to_async(connection.close)()

    def more(self) -> Step:
        """Lines printed since the last look; done once the run has ended (or the pod is gone)."""
        sandbox = Sandbox.objects.filter(pk=self.sandbox_id).first()
        if sandbox is None:
            return Step(done=True)
        try:
            pod = store.get(sandbox, store.kind_of(self.pod), self.pod["metadata"]["namespace"],
                            self.pod["metadata"]["name"])
            run = logs.attempt(pod, self.container)
        except errors.StatusError:
            return Step(done=True)
        if uid_of(pod) != uid_of(self.pod) or run is None or run.number != self.number:
            return Step(done=True)
        now = clock.now(sandbox)
        lines = logs.lines_of(sandbox, run, now, after=self.position)
        self.position = max([self.position, *(at for at, _ in lines)])
        return Step(logs.formatted(lines, self.timestamps), done=run.finished is not None and run.finished <= now)
