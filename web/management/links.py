"""Where a sandbox can be reached: the addresses the commands print and put in kubeconfigs.

The Kubernetes API of a sandbox lives under `/k8s/<token>`: kubectl sends no credentials
over plain http, so the token travels in the server URL's path, which kubectl and the Python
client prefix to every request. The diagram page lives under `/sandboxes/<name>/`.
"""

from typing import Any

from django.conf import settings

from cluster.models import Sandbox


def public_url() -> str:
    return str(settings.KUBELAB_PUBLIC_URL).rstrip("/")


def api_url(sandbox: Sandbox, server: str | None = None) -> str:
    return f"{(server or public_url()).rstrip('/')}/k8s/{sandbox.token}"


def diagram_url(sandbox: Sandbox) -> str:
    return f"{public_url()}/sandboxes/{sandbox.name}/"


def kubeconfig(sandbox: Sandbox, server: str | None = None) -> dict[str, Any]:
    """A kubeconfig with one cluster, user and context (`kubelab-NAME`, namespace default)."""
    name = f"kubelab-{sandbox.name}"
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": api_url(sandbox, server)}}],
        "users": [{"name": name, "user": {"token": sandbox.token}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": "default"}}],
        "current-context": name,
        "preferences": {},
    }
