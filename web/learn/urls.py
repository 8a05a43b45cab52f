from django.urls import path

from web.learn import views

urlpatterns = [
    path("", views.lesson_list, name="learn"),
    path("<slug:lesson>/", views.lesson_page, name="learn-lesson"),
    path("<slug:lesson>/reset", views.reset, name="learn-reset"),
]
