"""Responses in the Kubernetes API's own shapes: JSON objects, and `Status` objects for outcomes.

Every error a client sees is a `Status` (kind, apiVersion v1, status Failure, message,
reason, code, details) sent with the matching HTTP code, because kubectl prints
`Error from server (<reason>): <message>` from exactly those fields, and the Python client
raises the exception class that matches the code.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from cluster.errors import StatusError

JSON = "application/json"


def render(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def ok(body: Any, status: int = 200, *, warnings: Iterable[str] = (), content_type: str = JSON) -> HttpResponse:
    response = HttpResponse(render(body), status=status, content_type=content_type)
    header = warning_header(warnings)
    if header:
        response["Warning"] = header
    return response


def warning_header(warnings: Iterable[str]) -> str:
    """RFC 7234 warnings with code 299, as kube-apiserver sends them; kubectl prints each as `Warning: ...`."""
    return ", ".join(f'299 - "{_quoted(text)}"' for text in warnings)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def failure(error: StatusError) -> HttpResponse:
    response = ok(error.to_status(), status=error.code)
    retry = error.details.get("retryAfterSeconds")
    if retry is not None:
        # client-go waits and retries by this header on a 429, as against kube-apiserver.
        response["Retry-After"] = str(retry)
    return response


def success(details: dict[str, Any] | None = None, code: int = 200) -> HttpResponse:
    """The `Status` a real server returns when there is no object to return (a delete, an eviction)."""
    status: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        status["details"] = details
    if code != 200:
        status["code"] = code
    return ok(status, status=code)


def text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
