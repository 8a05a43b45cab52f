"""The first pages: the list of sandboxes (with a form to create one) and a sandbox's live page."""

from typing import Any

import yaml
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster import errors, sandboxes
from cluster.models import Sandbox
from web.management import links
from web.pages.access import visible_sandbox, writable_sandbox
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
    may_act = writable_sandbox(name, request.user) is not None
    return render(request, "pages/sandbox.html", {**workspace_context(request, found, may_act), "text": page_text()})


def workspace_context(request: HttpRequest, sandbox: Sandbox, may_act: bool) -> dict[str, Any]:
    """What `pages/sandbox.html` and its scripts need (the lesson page extends it too).

    The workspace's scripts call its endpoints (CSRF-protected) and the sandbox's API (logs).
    Someone who may only watch (an instructor on a participant's sandbox) never sees the token.
    """
    page = {"name": sandbox.name, "socket": socket_path(sandbox.name)}
    workspace = {"csrf": get_token(request), "api": f"/k8s/{sandbox.token}" if may_act else "",
                 "readOnly": not may_act,
                 "endpoints": reverse("workspace-console", args=[sandbox.name]).removesuffix("console")}
    connect = {"may_act": may_act, "file": f"kubelab-{sandbox.name}.kubeconfig",
               "url": request.build_absolute_uri(reverse("sandbox-kubeconfig", args=[sandbox.name]))}
    return {"sandbox": sandbox, "page": page, "workspace": workspace, "connect": connect}


@require_GET
def sandbox_kubeconfig(request: HttpRequest, name: str) -> HttpResponse:
    """The "Connect kubectl" download: a kubeconfig for the address this browser used.

    It carries the sandbox's token, so only someone who may act on the sandbox gets it.
    """
    found = writable_sandbox(name, request.user)
    if found is None:
        raise Http404("No such sandbox")
    server = request.build_absolute_uri("/").rstrip("/")
    body = yaml.safe_dump(links.kubeconfig(found, server), sort_keys=False)
    response = HttpResponse(body, content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="kubelab-{found.name}.kubeconfig"'
    return response


def page_text() -> dict[str, str]:
    """The words the sandbox page's scripts show, translated here since scripts have no gettext.

    `%(name)s` placeholders are filled by `static/js/i18n.js`.
    """
    return {
        "connecting": _("Connecting…"), "reconnecting": _("Reconnecting…"), "open": _("Live"),
        "gone": _("This sandbox was deleted."), "paused": _("paused"),
        "cpu": _("CPU"), "memory": _("Memory"), "used": _("used"),
        "workloads": _("Workloads"), "services": _("Services"), "waiting": _("Waiting to be scheduled"),
        "nodes": _("Nodes"), "notScheduledYet": _("The scheduler has not looked at this pod yet."),
        "missingNode": _("Bound to node %(node)s, which does not exist"),
        "readyCount": _("%(n)s ready"), "restartCount": _("%(n)s restarts"),
        "podsInStatus": _("%(n)s × %(status)s"), "evictionIn": _("evicting pods in %(time)s"),
        "evicting": _("evicting its pods"),
        "loadRps": _("load %(n)s req/s"), "podsMatched": _("%(n)s pods match"), "noSelector": _("no selector"),
        "deploymentReplicas": _("%(ready)s/%(want)s ready · %(updated)s up to date"),
        "jobCompletions": _("%(done)s/%(want)s done"), "suspended": _("suspended"),
        "nothingYet": _("Nothing yet."), "close": _("Close"), "loading": _("Loading…"),
        "node_cordon": _("Cordon"), "node_uncordon": _("Uncordon"), "node_drain": _("Drain"),
        "node_stop": _("Stop"), "node_crash": _("Crash"), "node_restart": _("Restart"),
        "requestsPerSecond": _("Requests per second"), "reqPerSec": _("req/s"),
        "startLoad": _("Start load"), "stopLoad": _("Stop load"),
        "schedulerVerdict": _("The scheduler, node by node"), "fits": _("fits"),
        "conditions": _("Conditions"), "events": _("Events"), "noEvents": _("No events."),
        "logs": _("Logs"), "applyChanges": _("Apply changes"), "nothingToApply": _("Nothing to apply."),
        "allNamespaces": _("All namespaces"),
    }


def _index(request: HttpRequest, form: SandboxForm, status: int = 200) -> HttpResponse:
    return render(request, "pages/index.html", {"sandboxes": listed(), "form": form}, status=status)


def listed() -> QuerySet[Sandbox]:
    """The open sandboxes, newest first, with node and object counts (one query). Workshop
    participants' sandboxes are private to them and their instructor, so they are not listed."""
    nodes = Q(kube_objects__group="", kube_objects__kind="Node")
    private = Q(participant__isnull=False) | Q(lesson_link__user__participant__isnull=False)
    return Sandbox.objects.exclude(private).annotate(node_count=Count("kube_objects", filter=nodes),
                                    object_count=Count("kube_objects")).order_by("-created_at")
