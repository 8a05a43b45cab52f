"""Which sandbox a request may reach: the token in the path, or a bearer token.

kubectl sends no credentials over plain http, so a kubeconfig points at
`http://host/k8s/<token>` and every request carries the token in its path. Clients that do
send `Authorization: Bearer <token>` (the Python client, kubectl over https) may use the
root paths instead. A wrong or missing token is 401 Unauthorized: nothing else tells a
stranger whether a sandbox exists.
"""

from django.http import HttpRequest

from cluster.errors import StatusError
from cluster.models import Sandbox
from web.workshops import ratelimit


def unauthorized() -> StatusError:
    return StatusError(401, "Unauthorized", "Unauthorized")


def bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def presented_token(request: HttpRequest, path_token: str | None) -> str:
    """The path's token wins: it is what the kubeconfig's server URL says."""
    return path_token if path_token is not None else bearer_token(request)


def sandbox_for(token: str) -> Sandbox:
    """The sandbox this token opens; a 401 for any other token (sync: touches the database)."""
    if not token:
        raise unauthorized()
    sandbox = Sandbox.objects.filter(token=token).first()
    if sandbox is None:
        raise unauthorized()
    ratelimit.admit(sandbox.pk)  # a workshop participant's share of the server
    return sandbox
