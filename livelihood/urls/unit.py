"""A unit officer's pages of the livelihood app, at /unit/livelihood/."""

from django.urls import path

from ..views import unit as views

app_name = "livelihood_unit"

urlpatterns = [
    path("", views.home, name="home"),
    path("items/<int:pk>/", views.item_report, name="item"),
    path("items/<int:pk>/milestones/<int:milestone>/", views.milestone_reached, name="milestone"),
    path("observations/<int:pk>/", views.observation, name="observation"),
]
