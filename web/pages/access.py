"""Who may look at which sandbox: the one place that decides.

For now a sandbox is open to anyone who knows its name. The workshop issue adds
per-participant access; it only has to tighten `visible_sandbox`, which both the pages
and the WebSocket consumer call.
"""

from typing import Any

from cluster.models import Sandbox


def visible_sandbox(name: str, user: Any = None) -> Sandbox | None:
    """The sandbox called `name` if `user` may see it, else None (shown as "not found", never "forbidden")."""
    return Sandbox.objects.filter(name=name).first()
