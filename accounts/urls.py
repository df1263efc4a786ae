from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
]
