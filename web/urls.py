from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("web.kubeapi.urls")),
    path("", include("web.pages.urls")),
    path("", include("web.workshops.urls")),
    path("learn/", include("web.learn.urls")),
]
