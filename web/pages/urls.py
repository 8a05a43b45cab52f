from django.urls import include, path

from web.pages import views

urlpatterns = [
    path("", views.index, name="index"),
    path("sandboxes/", views.create_sandbox, name="create_sandbox"),
    path("sandboxes/<slug:name>/", views.sandbox, name="sandbox"),
    path("sandboxes/<slug:name>/kubeconfig", views.sandbox_kubeconfig, name="sandbox-kubeconfig"),
    path("sandboxes/<slug:name>/workspace/", include("web.workspace.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
