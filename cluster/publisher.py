"""Sending Channels messages from synchronous code without a new Redis connection each time.

`async_to_sync(layer.group_send)` called from a thread with no event loop (a Celery worker,
a management command) runs the coroutine in a fresh event loop, and the Redis channel layer
keeps its connections per event loop: every announcement would connect, publish and
disconnect. Instead each process keeps one event loop on a daemon thread that owns the
layer's connection, and announcements are handed to it. It is started lazily and again
after a fork, so Celery's pool processes each get their own.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any

log = logging.getLogger(__name__)
# How long a writer waits for its announcement to leave; a slow Redis must not hold up writes.
WAIT_SECONDS = 2.0

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_pid = 0


def loop() -> asyncio.AbstractEventLoop:
    global _loop, _pid
    with _lock:
        if _loop is None or _pid != os.getpid():
            _loop, _pid = asyncio.new_event_loop(), os.getpid()
            threading.Thread(target=_loop.run_forever, daemon=True, name="kubelab-publisher").start()
        return _loop


def send(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run `coroutine` on the publisher loop and wait (briefly) for it, so messages leave in order."""
    future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, loop())
    try:
        future.result(timeout=WAIT_SECONDS)
    except Exception:  # best-effort, as the channel layer itself: listeners also poll the log
        log.warning("a channel message could not be sent", exc_info=True)
