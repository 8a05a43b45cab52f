from django.urls import path

from web.workspace import views

urlpatterns = [
    path("console", views.console, name="workspace-console"),
    path("apply", views.apply, name="workspace-apply"),
    path("edit", views.edit, name="workspace-edit"),
    path("nodes", views.node, name="workspace-nodes"),
    path("traffic", views.traffic, name="workspace-traffic"),
    path("clock", views.clock, name="workspace-clock"),
    path("inspect", views.inspect, name="workspace-inspect"),
]
