from django.urls import path

from . import display, views

app_name = "accounts"

urlpatterns = [
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
    path("display/", display.set_display_mode, name="display_mode"),
]
