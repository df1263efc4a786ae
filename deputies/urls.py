from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    # The deputy's own pages (portal).
    path("portal/activities/", views.my_activities, name="my_activities"),
    path("portal/archive/", views.my_archive, name="my_archive"),
    path("portal/archive/export.xlsx", views.my_archive_export, name="my_archive_export"),
    path("portal/archive/print/", views.my_archive_print, name="my_archive_print"),
    # Staff: every deputy in scope.
    path("office/archive/", views.archive_list, name="archive_list"),
    path("office/archive/export.xlsx", views.archive_list_export, name="archive_list_export"),
    path("office/archive/<int:deputy_id>/", views.archive_detail, name="archive_detail"),
    path("office/archive/<int:deputy_id>/export.xlsx", views.archive_detail_export, name="archive_detail_export"),
    path("office/archive/<int:deputy_id>/print/", views.archive_detail_print, name="archive_detail_print"),
    # Organisers (staff or the officer named as recorder).
    path("activities/mine/", views.my_recording, name="my_recording"),
    path("activities/<int:pk>/invite/", views.activity_invite, name="activity_invite"),
    path("activities/<int:pk>/attendance/", views.attendance, name="attendance"),
]
