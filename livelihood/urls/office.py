"""The office's pages of the livelihood app, at /office/livelihood/."""

from django.urls import path

from ..views import office as views

app_name = "livelihood_office"

urlpatterns = [
    path("", views.cycles, name="cycles"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/step/<str:action>/", views.cycle_step, name="cycle_step"),
    path("cycles/<int:pk>/ideas/", views.ideas, name="ideas"),
    path("cycles/<int:pk>/ideas/offline/", views.idea_offline, name="idea_offline"),
    path("ideas/<int:pk>/<str:action>/", views.idea_action, name="idea_action"),
    path("cycles/<int:pk>/projects/new/", views.project_add, name="project_add"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/<str:part>/", views.project_part, name="project_part"),
    path("cycles/<int:pk>/vote/", views.vote, name="vote"),
    path("cycles/<int:pk>/groups/", views.group_add, name="group_add"),
    path("cycles/<int:pk>/export/<str:kind>.xlsx", views.export, name="export"),
]
