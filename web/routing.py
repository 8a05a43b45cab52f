"""WebSocket routes."""

from django.urls import path

from web.consumers import SandboxConsumer

websocket_urlpatterns = [
    path("ws/sandboxes/<slug:name>/", SandboxConsumer.as_asgi()),
]


def socket_path(name: str) -> str:
    """The path of a sandbox's live socket, for pages to hand to their scripts."""
    return f"/ws/sandboxes/{name}/"
