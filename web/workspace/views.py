"""The workspace's HTTP endpoints: thin adapters from JSON requests to the domain.

Every endpoint is under `/sandboxes/<name>/workspace/`, answers JSON, and every write is a
POST protected by Django's CSRF check (the page sends the token in `X-CSRFToken`). Failures
the store reports come back as the Kubernetes API's `Status` with its HTTP code.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from cluster import errors
from cluster.models import Sandbox
from web.console import commands, writing
from web.console.commandline import CommandLine, UsageError
from web.console.context import Context, Output
from web.learn import console_history
from web.pages.access import visible_sandbox, writable_sandbox
from web.workspace import actions, inspector

View = Callable[[HttpRequest, Sandbox, dict[str, Any]], Any]


def endpoint(view: View) -> Callable[..., HttpResponse]:
    """Find the sandbox, read the JSON body (or the query), and turn StatusErrors into Status bodies."""
    @wraps(view)
    def wrapper(request: HttpRequest, name: str) -> HttpResponse:
        # Reads need only the right to watch (an instructor may); a change needs the right to act.
        find = visible_sandbox if request.method in ("GET", "HEAD") else writable_sandbox
        sandbox = find(name, request.user)
        if sandbox is None:
            raise Http404("No such sandbox")
        try:
            answer = view(request, sandbox, _arguments(request))
        except errors.StatusError as error:
            return JsonResponse(error.to_status(), status=error.code)
        return JsonResponse(answer)
    return wrapper


def _arguments(request: HttpRequest) -> dict[str, Any]:
    if request.method == "GET":
        return dict(request.GET.items())
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise errors.bad_request("the body must be JSON") from None
    if not isinstance(body, dict):
        raise errors.bad_request("the body must be a JSON object")
    return body


@require_POST
@endpoint
def console(request: HttpRequest, sandbox: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    command = str(args.get("command", ""))
    result = commands.run(sandbox, command, str(args.get("stdin", "")))
    # Kept server-side so a tutorial step about reading output ("run `top pods`") can tell it happened.
    console_history.note(sandbox, command)
    return {"output": result.text, "code": result.code}


@require_POST
@endpoint
def apply(request: HttpRequest, sandbox: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    result = commands.run(sandbox, "apply -f -", str(args.get("yaml", "")))
    return {"output": result.text, "code": result.code}


@require_POST
@endpoint
def edit(request: HttpRequest, sandbox: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    output = Output()
    try:
        writing.edit(Context(sandbox, CommandLine(["edit"]), str(args.get("yaml", "")), output))
    except errors.StatusError as error:
        output.err(f"Error from server ({error.reason}): {error.message}")
    except UsageError as error:
        output.err(f"error: {error}")
    return {"output": output.text, "code": output.code}


@require_POST
@endpoint
def node(request: HttpRequest, sandbox: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    return {"output": actions.node_action(sandbox, str(args.get("action", "")), str(args.get("node", "")))}


@require_POST
@endpoint
def traffic(request: HttpRequest, sandbox: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    rps = _number(args.get("rps", 0))
    return {"output": actions.traffic(sandbox, str(args.get("namespace") or "default"), str(args.get("service")),
                                      rps)}


@require_POST
@endpoint
def clock(request: HttpRequest, sandbox: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    return actions.clock_action(sandbox, str(args.get("action", "")),
                                _number(args.get("seconds", actions.STEP_SECONDS)))


@require_GET
@endpoint
def inspect(request: HttpRequest, sandbox: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    return inspector.inspect(sandbox, args.get("apiVersion", "v1"), args.get("kind", ""),
                             args.get("namespace", ""), args.get("name", ""))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise errors.bad_request(f"not a number: {value!r}") from None
