"""The first pages: the list of sandboxes (with a form to create one) and a sandbox's live page."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster import errors, sandboxes
from cluster.models import Sandbox
from web.pages.access import visible_sandbox
from web.pages.forms import SandboxForm
from web.routing import socket_path


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, SandboxForm())


@require_POST
def create_sandbox(request: HttpRequest) -> HttpResponse:
    form = SandboxForm(request.POST)
    if not form.is_valid():
        return _index(request, form, status=400)
    try:
        created = sandboxes.create(form.cleaned_data["name"], nodes=form.cleaned_data["nodes"])
    except errors.StatusError as error:  # someone took the name between the check and the create
        form.add_error("name", error.message)
        return _index(request, form, status=400)
    return redirect("sandbox", name=created.name)


@require_GET
def sandbox(request: HttpRequest, name: str) -> HttpResponse:
    found = visible_sandbox(name, request.user)
    if found is None:
        raise Http404("No such sandbox")
    page = {"name": found.name, "socket": socket_path(found.name)}
    return render(request, "pages/sandbox.html", {"sandbox": found, "page": page, "text": page_text()})


def page_text() -> dict[str, str]:
    """The words the sandbox page's scripts show, translated here since scripts have no gettext."""
    return {
        "connecting": _("Connecting…"), "reconnecting": _("Reconnecting…"), "open": _("Live"),
        "gone": _("This sandbox was deleted."), "paused": _("paused"),
        "cpu": _("CPU"), "memory": _("Memory"), "pods": _("Pods"),
        "noPods": _("No pods"), "noNodes": _("This sandbox has no nodes."),
        "allocatable": _("Allocatable: what the scheduler may hand out to pods"),
        "machineSize": _("Machine size (the node's kubelet has not registered it yet)"),
        "missingNode": _("Bound to node %s, which does not exist"),
    }


def _index(request: HttpRequest, form: SandboxForm, status: int = 200) -> HttpResponse:
    return render(request, "pages/index.html", {"sandboxes": listed(), "form": form}, status=status)


def listed() -> QuerySet[Sandbox]:
    """Every sandbox, newest first, with its node and object counts (one query)."""
    nodes = Q(kube_objects__group="", kube_objects__kind="Node")
    return Sandbox.objects.annotate(node_count=Count("kube_objects", filter=nodes),
                                    object_count=Count("kube_objects")).order_by("-created_at")
