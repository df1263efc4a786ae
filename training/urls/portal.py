"""The deputy's pages of the training app, mounted at /portal/training/."""

from django.urls import path

from ..views import portal as views

app_name = "training_portal"

urlpatterns = [
    path("", views.courses, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/enrol/", views.course_enrol, name="enrol"),
    path("courses/<int:pk>/sessions/<int:session_pk>/feedback/", views.session_feedback, name="feedback"),
    path("materials/", views.materials, name="materials"),
    path("materials/<int:pk>/", views.material_detail, name="material"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/rate/", views.request_rate, name="rate"),
    path("files/<int:pk>/", views.document, name="file"),
]
