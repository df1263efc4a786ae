from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("office/reports/", views.index, name="index"),
    path("office/reports/annual/", views.annual, name="annual"),
    path("office/reports/handling/", views.handling, name="handling"),
    path("office/reports/summaries/", views.summaries, name="summaries"),
    path("office/reports/coverage/", views.coverage, name="coverage"),
    path("office/reports/livelihood/", views.livelihood, name="livelihood"),
    path("office/reports/quality/", views.quality, name="quality"),
]
