"""The command lines of KubeLab's own processes, in one place for `make run` and the tests.

Every process runs under the same interpreter as its launcher (`sys.executable -m ...`), so
the virtualenv's packages are used without activating it, and from the project directory,
so `web` and `cluster` import from the working tree.
"""

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent.parent


def manage(*args: str) -> list[str]:
    return [sys.executable, str(PROJECT / "manage.py"), *args]


def asgi_server(port: int) -> list[str]:
    """Uvicorn serving HTTP and WebSockets; it answers in one process, with no reloader to orphan."""
    return [sys.executable, "-m", "uvicorn", "web.asgi:application", "--host", "127.0.0.1", "--port", str(port)]


def worker(name: str, concurrency: int = 2, loglevel: str = "info") -> list[str]:
    """A Celery worker on the default queue; `concurrency=1` uses the solo pool (one process, quick to start)."""
    pool = ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"--concurrency={concurrency}"]
    return [sys.executable, "-m", "celery", "-A", "web", "worker", "-n", f"{name}@%h", "-Q", "celery", *pool,
            "-l", loglevel, "--without-gossip", "--without-mingle"]


def beat(schedule: Path, loglevel: str = "warning") -> list[str]:
    """Celery beat: the clock tick and the resync backstop (see CELERY_BEAT_SCHEDULE in web/settings.py).

    It logs at warning by default: at info it prints two lines a second, one per tick and resync.
    """
    return [sys.executable, "-m", "celery", "-A", "web", "beat", "-s", str(schedule), "-l", loglevel]
