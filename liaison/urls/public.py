"""Public pages, mounted at the site's root: /stations/ and the private /opinions/<token>/."""

from django.urls import path

from ..views import public as views

app_name = "liaison"

urlpatterns = [
    path("stations/", views.station_list, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("opinions/<str:token>/", views.opinion_status, name="opinion"),
]
