"""WebSocket routes."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from web.consumers import SandboxConsumer
from web.learn.consumers import LessonConsumer
from web.workshops.consumers import DashboardConsumer, ParticipantConsumer

websocket_urlpatterns = [
    # The session and user ride on the socket, so a participant's sandbox opens only in their browser.
    path("ws/sandboxes/<slug:name>/", AuthMiddlewareStack(SandboxConsumer.as_asgi())),
    path("ws/workshops/<int:pk>/dashboard/", AuthMiddlewareStack(DashboardConsumer.as_asgi())),
    path("ws/workshops/participant/", AuthMiddlewareStack(ParticipantConsumer.as_asgi())),
    # A lesson page's step status: the session (or user) says whose lesson sandbox it is.
    path("ws/learn/<slug:lesson>/", AuthMiddlewareStack(LessonConsumer.as_asgi())),
]


def socket_path(name: str) -> str:
    """The path of a sandbox's live socket, for pages to hand to their scripts."""
    return f"/ws/sandboxes/{name}/"

