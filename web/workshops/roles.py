"""Who is who: instructors (a Django group) and participants (a user made when they join)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from web.workshops.models import INSTRUCTORS, Participant, Workshop

User = AbstractBaseUser | AnonymousUser


def is_instructor(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated
                and (user.is_superuser or user.groups.filter(name=INSTRUCTORS).exists()))


def make_instructor(user: Any) -> None:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    user.groups.add(group)


def participant_of(user: Any) -> Participant | None:
    if user is None or not user.is_authenticated:
        return None
    return Participant.objects.select_related("workshop", "sandbox").filter(user_id=user.pk).first()


def owned_workshop(user: Any, pk: int) -> Workshop:
    """The workshop if `user` runs it; 404 otherwise (another instructor's class is not even named)."""
    return get_object_or_404(Workshop, pk=pk, instructor_id=getattr(user, "pk", None))


def instructor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"/workshops/login/?next={request.path}")
        if not is_instructor(request.user):
            raise Http404(_("No such page."))
        return view(request, *args, **kwargs)
    return wrapper
