"""The office's pages of the livelihood app."""

from django.urls import path  # noqa: F401

app_name = "livelihood_office"

urlpatterns: list = []
