"""The office's pages, mounted at /office/: opinions and stations."""

from django.urls import path

from ..views import office as views

app_name = "liaison_office"

urlpatterns = [
    path("opinions/", views.opinion_list, name="opinions"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/<slug:action>/", views.opinion_action, name="opinion_action"),
    path("stations/", views.station_list, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("stations/<int:pk>/summary/", views.station_summary, name="summary"),
    path("stations/<int:pk>/qr/", views.station_qr_page, name="qr"),
    path("stations/<int:pk>/qr.svg", views.station_qr_svg, name="qr_svg"),
]
