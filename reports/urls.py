from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("office/reports/", views.index, name="index"),
]
