"""The deputy's pages of the livelihood app, at /portal/livelihood/."""

from django.urls import path

from ..views import portal as views

app_name = "livelihood_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("cycles/<int:pk>/candidate/", views.candidate_new, name="candidate_new"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/observe/", views.observe, name="observe"),
    path("projects/<int:pk>/rate/", views.rate, name="rate"),
    path("projects/<int:pk>/observations/<int:observation>/close/", views.observation_close, name="observation_close"),
]
