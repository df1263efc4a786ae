"""Public pages of the livelihood app, at /livelihood/."""

from django.urls import path

from ..views import public as views

app_name = "livelihood"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("ideas/new/", views.idea_new, name="idea_new"),
    path("ideas/thanks/", views.idea_thanks, name="idea_thanks"),
]
