"""The office's pages of the training app, mounted at /office/training/."""

from django.urls import path

from ..views import office as views

app_name = "training_office"

urlpatterns = [
    path("", views.courses, name="courses"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/<slug:action>/", views.course_action, name="course_action"),
    path("materials/", views.materials, name="materials"),
    path("materials/new/", views.material_new, name="material_new"),
    path("materials/<int:pk>/", views.material_detail, name="material"),
    path("materials/<int:pk>/<slug:action>/", views.material_action, name="material_action"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/route/", views.request_route, name="route"),
    path("requests/<int:pk>/refuse/", views.request_refuse, name="refuse"),
    path("files/<int:pk>/", views.document, name="file"),
]
