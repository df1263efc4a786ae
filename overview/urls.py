from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.export, name="export"),
]
