"""A unit officer's pages of the training app, mounted at /unit/training/."""

from django.urls import path

from ..views import unit as views

app_name = "training_unit"

urlpatterns = [
    path("", views.requests, name="requests"),
    path("<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/answer/", views.request_answer, name="answer"),
    path("<int:pk>/decline/", views.request_decline, name="decline"),
    path("files/<int:pk>/", views.document, name="file"),
]
