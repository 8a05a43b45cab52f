"""Workshop pages: the instructor's list and dashboard, the steering buttons, joining and the participant's page.

Thin adapters: each parses a form, asks the domain modules (joining, steering, dashboard,
export), and renders or redirects. Every instructor view finds the workshop through
`owned_workshop`, so another instructor's workshop is a 404; every write is a CSRF-protected POST.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from web.workshops import catalogue, codes, dashboard, export, joining, qr, steering
from web.workshops.forms import BroadcastForm, InjectForm, JoinForm, MoveForm, WorkshopForm
from web.workshops.models import Participant, Workshop
from web.workshops.roles import instructor_required, owned_workshop, participant_of

BACKEND = "django.contrib.auth.backends.ModelBackend"


@instructor_required
@require_http_methods(["GET", "POST"])
def workshops(request: HttpRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = create_workshop(request.user, form.cleaned_data)
        return redirect("workshop-dashboard", pk=created.pk)
    mine = Workshop.objects.filter(instructor_id=request.user.pk).order_by("-created_at")
    return render(request, "workshops/list.html", {"workshops": mine, "form": form},
                  status=400 if request.method == "POST" else 200)


def create_workshop(instructor: Any, data: dict[str, Any]) -> Workshop:
    code = codes.new_code()
    while Workshop.objects.filter(join_code=code).exists():
        code = codes.new_code()
    return Workshop.objects.create(instructor=instructor, title=data["title"], language=data["language"],
                                   lessons=list(data["lessons"]), capacity=data["capacity"],
                                   expires_at=data.get("expires_at"), join_code=code)


def join_link(request: HttpRequest, workshop: Workshop) -> str:
    return request.build_absolute_uri(reverse("workshop-join-code", args=[workshop.join_code]))


@instructor_required
@require_GET
def dashboard_page(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = owned_workshop(request.user, pk)
    page = {"socket": f"/ws/workshops/{workshop.pk}/dashboard/", "csrf": get_token(request),
            "actions": reverse("workshop-dashboard", args=[workshop.pk]), "text": dashboard_text()}
    return render(request, "workshops/dashboard.html", {
        "workshop": workshop, "link": join_link(request, workshop), "qr": qr.svg(join_link(request, workshop)),
        "page": page, "data": dashboard.view(workshop), "lessons": catalogue.titled(workshop.lessons, language())})


def language() -> str:
    return "ko" if translation.get_language() == "ko" else "en"


def dashboard_text() -> dict[str, str]:
    """The dashboard script's words, translated here since scripts have no gettext."""
    return {"reset": _("Reset"), "closed": pgettext("workshop state", "Closed"), "noneYet": _("None yet."),
            "failureCount": _("%(n)s participants"), "idle": _("no progress for a while"),
            "failing": _("the same check keeps failing"), "open": _("Open the sandbox read-only")}


@instructor_required
@require_GET
def dashboard_data(request: HttpRequest, pk: int) -> HttpResponse:
    return JsonResponse(dashboard.view(owned_workshop(request.user, pk)))


@instructor_required
@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = owned_workshop(request.user, pk)
    response = HttpResponse(export.as_csv(workshop), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.pk}-progress.csv"'
    return response


@instructor_required
@require_GET
def qr_code(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = owned_workshop(request.user, pk)
    return HttpResponse(qr.svg(join_link(request, workshop)), content_type="image/svg+xml")


# --- steering ------------------------------------------------------------------------------

def steer(request: HttpRequest, pk: int, done: str) -> HttpResponse:
    """Answer a steering POST: JSON for the dashboard's scripts, a redirect for a plain form."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"done": done})
    return redirect("workshop-dashboard", pk=pk)


@instructor_required
@require_POST
def broadcast(request: HttpRequest, pk: int) -> HttpResponse:
    workshop, form = owned_workshop(request.user, pk), BroadcastForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    steering.broadcast(workshop, form.cleaned_data["text"])
    return steer(request, pk, _("Message sent."))


@instructor_required
@require_POST
def clocks(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("pause", "resume"):
        raise Http404(_("No such action."))
    reached = steering.set_speed(owned_workshop(request.user, pk), 0.0 if action == "pause" else 1.0)
    done = _("Paused %(n)s sandbox clocks.") if action == "pause" else _("Resumed %(n)s sandbox clocks.")
    return steer(request, pk, done % {"n": reached})


@instructor_required
@require_POST
def inject(request: HttpRequest, pk: int) -> HttpResponse:
    workshop, form = owned_workshop(request.user, pk), InjectForm(request.POST)
    if not form.is_valid() or form.cleaned_data["what"] not in set(steering.Injection):
        return JsonResponse({"errors": form.errors or {"what": [_("Unknown injection.")]}}, status=400)
    data = form.cleaned_data
    reached = steering.inject(workshop, data["what"], node=data["node"] or "node-1", service=data["service"],
                              namespace=data["namespace"] or "default", rps=data["rps"] or 50.0)
    return steer(request, pk, _("%(what)s: %(n)s sandboxes") % {"what": data["what"], "n": reached})


@instructor_required
@require_POST
def reset_participant(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    workshop = owned_workshop(request.user, pk)
    steering.reset(get_object_or_404(Participant, pk=participant, workshop=workshop))
    return steer(request, pk, _("The sandbox was reset."))


@instructor_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    workshop, form = owned_workshop(request.user, pk), MoveForm(request.POST)
    if not form.is_valid() or form.cleaned_data["lesson"] not in workshop.lessons:
        return JsonResponse({"errors": {"lesson": [_("Not a lesson of this workshop.")]}}, status=400)
    steering.move_to(workshop, form.cleaned_data["lesson"])
    return steer(request, pk, _("Everyone was moved to the lesson."))


@instructor_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    steering.close(owned_workshop(request.user, pk))
    return steer(request, pk, _("The workshop is closed."))


# --- participants --------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str = "") -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": code})
    if request.method == "POST" and form.is_valid():
        mine = participant_of(request.user)
        if mine is not None and mine.workshop.join_code == codes.normalized(form.cleaned_data["code"]):
            return redirect("workshop-participant")  # the same browser comes back to the same sandbox
        try:
            participant = joining.join(form.cleaned_data["code"], form.cleaned_data["display_name"])
        except joining.JoinRefused as refused:
            form.add_error(None, str(refused))
        else:
            login(request, participant.user, backend=BACKEND)
            return redirect("workshop-participant")
    return render(request, "workshops/join.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def resume(request: HttpRequest, token: str) -> HttpResponse:
    participant = get_object_or_404(Participant, resume_token=token)
    login(request, participant.user, backend=BACKEND)
    return redirect("workshop-participant")


@require_GET
def participant_page(request: HttpRequest) -> HttpResponse:
    mine = participant_of(request.user)
    if mine is None:
        raise Http404(_("You have not joined a workshop."))
    lessons = mine.workshop.lessons
    first = mine.workshop.current_lesson or (lessons[0] if lessons else "")
    return render(request, "workshops/participant.html", {
        "participant": mine, "workshop": mine.workshop,
        "resume": request.build_absolute_uri(reverse("workshop-resume", args=[mine.resume_token])),
        "broadcasts": mine.workshop.broadcasts.order_by("-sent_at")[:5],
        "page": {"socket": "/ws/workshops/participant/", "lesson": first, "debug": settings.DEBUG,
                 "text": {"closed": _("This workshop is closed."), "movedTo": _("Your instructor opened a lesson:"),
                          "paused": _("Your instructor paused the clocks."),
                          "resumed": _("Your instructor started the clocks again.")}}})
