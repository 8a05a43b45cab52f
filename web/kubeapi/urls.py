"""Routes of the Kubernetes API, served twice: under `/k8s/<token>/` and at the root.

kubectl over plain http sends no credentials, so its kubeconfig names the sandbox in the
server URL (`http://host/k8s/<token>`); clients that send `Authorization: Bearer <token>`
may use the root paths. Only the API's own prefixes are taken at the root, so the app's
pages keep `/` and `/sandboxes/`. Both slash forms are routed (the Python client asks for
`/version/`, `/api/`, `/apis/`), so Django never redirects an API call.
"""

from typing import Any

from django.urls import include, path, re_path

from web.kubeapi import metrics, views


def routes() -> list[Any]:
    return [
        re_path(r"^version/?$", views.version),
        re_path(r"^(?:healthz|livez|readyz)(?:/.*)?$", views.health),
        re_path(r"^api/?$", views.core_discovery),
        re_path(r"^apis/?$", views.group_discovery),
        re_path(r"^api/(?P<rest>.+)$", views.core),
        re_path(r"^apis/metrics\.k8s\.io(?:/(?P<rest>.*))?$", metrics.serve),
        re_path(r"^apis/(?P<rest>.+)$", views.groups),
        re_path(r"^openapi/v2/?$", views.openapi_v2),
        re_path(r"^openapi/v3/?$", views.openapi_v3),
        re_path(r"^openapi/v3/(?P<rest>.+)$", views.openapi_v3_document),
    ]


urlpatterns = [
    path("k8s/<str:token>/", include([*routes(), re_path(r"^.*$", views.unknown)])),
    *routes(),
]
