"""The office's pages of the training app."""

from django.urls import path  # noqa: F401

app_name = "training_office"

urlpatterns: list = []
