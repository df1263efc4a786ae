"""Public pages of the publicity app, mounted at the site's root."""

from django.urls import path

from .views import public as views

app_name = "publicity"

urlpatterns = [
    path("stories/", views.story_list, name="stories"),
    path("stories/<int:pk>/", views.story_detail, name="story"),
    path("stories/photos/<int:pk>/", views.photo, name="photo"),
    path("deputies/<int:pk>/", views.deputy_profile, name="deputy"),
]
