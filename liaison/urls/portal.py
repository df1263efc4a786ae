"""The deputy's pages, mounted at /portal/liaison/."""

from django.urls import path

from ..views import portal as views

app_name = "liaison_portal"

urlpatterns = [
    path("", views.duties, name="duties"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/answer/", views.opinion_answer, name="answer"),
    path("opinions/<int:pk>/note/", views.opinion_note, name="note"),
]
