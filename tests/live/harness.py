"""The `live_cluster` fixture: KubeLab's real processes serving pytest-django's test database.

A test that uses it gets an object with `url` (http://127.0.0.1:<free port>) behind which
run Uvicorn (`web.asgi:application`) and a Celery worker, all on the test database and on a
Redis of their own: the one in `REDIS_URL` (on a database number picked for this session, so
parallel runs do not share queues) or else an embedded redis-server started for the session.
For the duration of the test, the test process itself sends its reconcile tasks and Channels
messages to that Redis too, so a sandbox created in the test is reconciled by the worker.

The processes start once per session; each test gets a running worker (restarted if an
earlier test killed it) and loses the extra workers and beat it started. Data must be
committed to be seen by other processes, so the fixture makes the test transactional (as
`@pytest.mark.django_db(transaction=True)` does). The processes' logs are attached to the
report of a failing test.

    @pytest.mark.django_db(transaction=True)
    def test_it_survives_a_dead_worker(live_cluster):
        live_cluster.kill_worker()          # SIGKILL, mid-reconcile if one is running
        live_cluster.start_worker()
"""

import os
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pytest
import redis
from django.db import connection
from django.test import override_settings

from web.celery import app as celery_app
from web.devserver import commands, embedded_redis, processes

READY_SECONDS = 30.0
REDIS_DATABASES = 16  # redis-server's default `databases`; 0 is left to development


@dataclass
class LiveCluster:
    url: str
    redis_url: str
    env: dict[str, str]
    logs: Path
    web: processes.Child | None = None
    workers: list[processes.Child] = field(default_factory=list)
    beat: processes.Child | None = None
    started: int = 0

    def start_web(self) -> processes.Child:
        port = int(urlsplit(self.url).port or 80)
        self.web = self.spawn("web", commands.asgi_server(port))
        wait_for_http(self.web, self.url, self.log_tail)
        return self.web

    def start_worker(self, concurrency: int = 1) -> processes.Child:
        """Start one more worker (solo pool, or prefork with `concurrency` > 1) and wait until it is ready."""
        self.started += 1
        name = f"worker{self.started}"
        worker = self.spawn(name, commands.worker(f"live{self.started}-{os.getpid()}", concurrency=concurrency))
        wait_for_log(worker, self.logs / f"{name}.log", " ready.", self.log_tail)
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker: processes.Child | None = None) -> None:
        """SIGKILL a worker (the newest by default) with its pool: it gets no chance to finish or requeue."""
        victim = worker or self.workers[-1]
        processes.kill([victim])
        self.workers.remove(victim)

    def start_beat(self) -> processes.Child:
        """Opt in to Celery beat (clock ticks, resync); tests usually advance the clock themselves."""
        self.beat = self.spawn("beat", commands.beat(self.logs / "celerybeat-schedule"))
        return self.beat

    def spawn(self, name: str, argv: list[str]) -> processes.Child:
        log = (self.logs / f"{name}.log").open("ab")
        try:
            return processes.start(name, argv, self.env, log=log, cwd=commands.PROJECT)
        finally:
            log.close()  # the child holds its own copy of the descriptor

    def children(self) -> list[processes.Child]:
        return [c for c in (self.web, *self.workers, self.beat) if c is not None]

    def stop(self) -> None:
        processes.stop(self.children())
        self.web, self.workers, self.beat = None, [], None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(f"==> {path.name} <==\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
                         for path in sorted(self.logs.glob("*.log")))


def wait_for_http(child: processes.Child, url: str, logs: Callable[[], str]) -> None:
    """Any HTTP answer means the server is up; only a refused connection means "not yet"."""
    poll(child, logs, lambda: answers(url), f"{child.name} did not answer {url}")


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2.0)
    except httpx.TransportError:
        return False
    return True


def wait_for_log(child: processes.Child, path: Path, marker: str, logs: Callable[[], str]) -> None:
    poll(child, logs, lambda: marker in path.read_text(errors="replace"), f"{child.name} never logged {marker!r}")


def poll(child: processes.Child, logs: Callable[[], str], ready: Callable[[], bool], failure: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if not child.running():
            raise RuntimeError(f"{child.name} exited with code {child.popen.returncode}\n{logs()}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{failure} within {READY_SECONDS:.0f}s\n{logs()}")


def test_database_url() -> str:
    """A URL for the database pytest-django set up (`test_<name>` on PostgreSQL, var/test.sqlite3 on SQLite)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{quote(db['NAME'], safe='')}" if auth else f"postgres://{host}/{db['NAME']}"


def session_redis_url(shared: str) -> str:
    """A database number of the shared Redis for this session alone: a counter in Redis hands them out in turn."""
    with redis.Redis.from_url(shared) as client:
        turn = int(client.incr("kubelab:live-test-sessions"))
    parts = urlsplit(shared)
    return urlunsplit(parts._replace(path=f"/{1 + (turn - 1) % (REDIS_DATABASES - 1)}"))


@pytest.fixture(scope="session")
def live_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`REDIS_URL` on a database of this session's own, or an embedded redis-server when it is unset."""
    shared = os.environ.get("REDIS_URL")
    if shared:
        yield session_redis_url(shared)
        return
    directory = tmp_path_factory.mktemp("redis")
    with (directory / "redis.log").open("ab") as log:
        child, url = embedded_redis.start(directory, log=log)
    try:
        yield url
    finally:
        processes.stop([child])


@pytest.fixture(scope="session")
def live_services(django_db_setup: None, live_redis: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveCluster]:
    """Uvicorn and one worker on the test database, started once for the session."""
    url = f"http://127.0.0.1:{embedded_redis.free_port()}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "web.settings", "DATABASE_URL": test_database_url(),
           "KUBELAB_TASK_LOG_LEVEL": "INFO",
           "REDIS_URL": live_redis, "KUBELAB_PUBLIC_URL": url, "PYTHONUNBUFFERED": "1"}
    live = LiveCluster(url=url, redis_url=live_redis, env=env, logs=tmp_path_factory.mktemp("live-logs"))
    try:
        live.start_web()
        live.start_worker()
        yield live
    finally:
        live.stop()


@pytest.fixture
def live_cluster(live_services: LiveCluster, transactional_db: None) -> Iterator[LiveCluster]:
    """The session's live processes, with this test process pointed at their Redis."""
    live = live_services
    if not live.workers:
        live.start_worker()
    try:
        with sending_to(live.redis_url):
            yield live
    finally:
        processes.stop([*live.workers[1:], *([live.beat] if live.beat else [])])
        del live.workers[1:]
        live.beat = None
        quiesce(live.redis_url)


def quiesce(redis_url: str, seconds: float = 10.0) -> None:
    """Let the worker go idle before the test database is flushed.

    A worker still reconciling holds row locks; the flush's TRUNCATE then deadlocks with it.
    Drop what is queued and wait until no sandbox's lease is held, twice in a row.
    """
    import redis

    from cluster.models import Sandbox

    redis.Redis.from_url(redis_url).delete("celery")
    deadline, calm = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and calm < 2:
        busy = Sandbox.objects.exclude(lease_owner="").exists()
        calm = 0 if busy else calm + 1
        time.sleep(0.1)


@contextmanager
def sending_to(redis_url: str) -> Iterator[None]:
    """Make this process enqueue tasks and publish channel messages on the live Redis, then undo it.

    Celery copied its settings when it first configured itself, so its app is updated alongside
    Django's settings, and the connections it cached for the previous broker are dropped.
    """
    layers = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                          "CONFIG": {"hosts": [redis_url]}}}
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    with override_settings(REDIS_URL=redis_url, CHANNEL_LAYERS=layers, CELERY_BROKER_URL=redis_url,
                           CELERY_TASK_ALWAYS_EAGER=False):
        forget_connections()
        celery_app.conf.update(broker_url=redis_url, task_always_eager=False)
        try:
            yield
        finally:
            forget_connections()
            celery_app.conf.update(saved)


def forget_connections() -> None:
    """Drop Celery's cached connection and producer pools, as Celery itself does after a fork.

    They are not closed: kombu keeps producer pools in a registry keyed by broker URL, and would
    hand the closed one back the next time this URL is used.
    """
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")  # a cached property: absent until a task was first sent
    if amqp is not None:
        amqp._producer_pool = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                               call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the live processes' logs to the report of a test that failed while using them."""
    report = yield
    live = getattr(item, "funcargs", {}).get("live_cluster")
    if report.when == "call" and report.failed and isinstance(live, LiveCluster):
        report.sections.append(("live cluster logs", live.log_tail()))
    return report
