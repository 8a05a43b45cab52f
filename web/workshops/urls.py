from django.contrib.auth import views as auth_views
from django.urls import path

from web.workshops import views

urlpatterns = [
    path("workshops/", views.workshops, name="workshops"),
    path("workshops/login/", auth_views.LoginView.as_view(template_name="workshops/login.html",
                                                          next_page="/workshops/"), name="workshop-login"),
    path("workshops/<int:pk>/", views.dashboard_page, name="workshop-dashboard"),
    path("workshops/<int:pk>/data/", views.dashboard_data, name="workshop-data"),
    path("workshops/<int:pk>/export.csv", views.export_csv, name="workshop-export"),
    path("workshops/<int:pk>/qr.svg", views.qr_code, name="workshop-qr"),
    path("workshops/<int:pk>/broadcast/", views.broadcast, name="workshop-broadcast"),
    path("workshops/<int:pk>/clocks/<str:action>/", views.clocks, name="workshop-clocks"),
    path("workshops/<int:pk>/inject/", views.inject, name="workshop-inject"),
    path("workshops/<int:pk>/participants/<int:participant>/reset/", views.reset_participant,
         name="workshop-reset"),
    path("workshops/<int:pk>/move/", views.move, name="workshop-move"),
    path("workshops/<int:pk>/close/", views.close, name="workshop-close"),
    path("join/", views.join, name="workshop-join"),
    path("join/<str:code>/", views.join, name="workshop-join-code"),
    path("me/", views.participant_page, name="workshop-participant"),
    path("me/resume/<str:token>/", views.resume, name="workshop-resume"),
]
