from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    # The deputy's own invitations and history (portal).
    path("portal/activities/", views.my_activities, name="my_activities"),
    # Organisers (staff or the officer named as recorder).
    path("activities/mine/", views.my_recording, name="my_recording"),
    path("activities/<int:pk>/invite/", views.activity_invite, name="activity_invite"),
    path("activities/<int:pk>/attendance/", views.attendance, name="attendance"),
]
