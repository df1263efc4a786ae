"""Public pages, mounted at /proposals/."""

from django.urls import path

from ..feeds import PublishedRepliesFeed
from ..views import awards as awards_views
from ..views import public as views

app_name = "proposals"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("units/", views.unit_stats, name="unit_stats"),
    path("feed/", PublishedRepliesFeed(), name="feed"),
    path("awards/", awards_views.public_awards, name="awards"),
    path("awards/<int:year>/", awards_views.public_awards, name="awards_year"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
