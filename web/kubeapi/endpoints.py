"""What every API view shares: CSRF exemption, the token check, and errors as `Status` objects.

The views are async (a watch is a long-lived stream), and do their database work in a
worker thread through `sync_to_async`. Whatever goes wrong comes back to the client as a
Kubernetes `Status`, never as Django's HTML error page.
"""

import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from cluster.errors import StatusError
from cluster.models import Sandbox
from web.kubeapi import access, responses

log = logging.getLogger(__name__)

# Typed loosely because Django's URL resolver (and its stubs) take any view callable.
View = Callable[..., Any]


def internal_error() -> StatusError:
    return StatusError(500, "InternalError", "an error on the server has prevented the request from succeeding")


async def answer(request: HttpRequest, call: Callable[[], Awaitable[HttpResponseBase]]) -> HttpResponseBase:
    try:
        return await call()
    except StatusError as error:
        return responses.failure(error)
    except Exception:
        log.exception("kubeapi: %s %s failed", request.method, request.path)
        return responses.failure(internal_error())


def endpoint(view: View) -> View:
    """An API view for one sandbox: `view(request, sandbox, **kwargs)`, reached with its token."""
    @csrf_exempt
    @wraps(view)
    async def wrapper(request: HttpRequest, token: str | None = None, **kwargs: Any) -> HttpResponseBase:
        async def call() -> HttpResponseBase:
            sandbox = await sync_to_async(access.sandbox_for)(access.presented_token(request, token))
            return await view(request, sandbox, **kwargs)
        return await answer(request, call)
    return wrapper


def public(view: View) -> View:
    """A view anyone may read (health probes), as kube-apiserver allows; a wrong token is still a 401."""
    @csrf_exempt
    @wraps(view)
    async def wrapper(request: HttpRequest, token: str | None = None, **kwargs: Any) -> HttpResponseBase:
        async def call() -> HttpResponseBase:
            presented = access.presented_token(request, token)
            if presented or token is not None:
                await sync_to_async(access.sandbox_for)(presented)
            return await view(request, **kwargs)
        return await answer(request, call)
    return wrapper


def in_thread(handler: Callable[..., HttpResponseBase]) -> Callable[..., Awaitable[HttpResponseBase]]:
    """Run a synchronous handler (store calls, one transaction each) in the request's worker thread."""
    return sync_to_async(handler)


__all__ = ["Sandbox", "endpoint", "in_thread", "public"]
