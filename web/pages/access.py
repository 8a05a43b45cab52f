"""Who may look at which sandbox: the one place that decides.

A sandbox made for a workshop participant (at joining, or later by a lesson page they opened)
is theirs: only their signed-in browser sees it,
and the workshop's instructor may watch it read-only. Any other sandbox (the single-learner
default, made from the first page) stays open to whoever knows its name. Pages, the
workspace endpoints and the WebSocket consumer all call `visible_sandbox`; writes from the
page should call `writable_sandbox`, which leaves the instructor out.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from cluster.models import Sandbox


def _related(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def _participant(sandbox: Sandbox) -> Any:
    """The workshop participant who owns this sandbox, or None for a sandbox outside any workshop."""
    direct = _related(sandbox, "participant")
    if direct is not None:
        return direct
    link = _related(sandbox, "lesson_link")
    user = link.user if link is not None else None
    return _related(user, "participant") if user is not None else None


def _user_pk(user: Any) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def _found(name: str) -> Sandbox | None:
    return (Sandbox.objects.select_related("participant__workshop", "lesson_link__user__participant__workshop")
            .filter(name=name).first())


def visible_sandbox(name: str, user: Any = None) -> Sandbox | None:
    """The sandbox called `name` if `user` may see it, else None (shown as "not found", never "forbidden")."""
    sandbox = _found(name)
    participant = _participant(sandbox) if sandbox is not None else None
    if participant is None:
        return sandbox
    viewer = _user_pk(user)
    allowed = viewer is not None and viewer in (participant.user_id, participant.workshop.instructor_id)
    return sandbox if allowed else None


def writable_sandbox(name: str, user: Any = None) -> Sandbox | None:
    """The sandbox if `user` may change it: its participant (an instructor only watches)."""
    sandbox = _found(name)
    participant = _participant(sandbox) if sandbox is not None else None
    if participant is None:
        return sandbox
    return sandbox if _user_pk(user) == participant.user_id else None
