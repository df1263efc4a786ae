from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    # The deputy's own archive (portal).
    path("portal/archive/", views.my_archive, name="my_archive"),
    path("portal/archive/export.xlsx", views.my_archive_export, name="my_archive_export"),
    path("portal/archive/print/", views.my_archive_print, name="my_archive_print"),
    # Staff: every deputy in scope.
    path("office/archive/", views.archive_list, name="archive_list"),
    path("office/archive/export.xlsx", views.archive_list_export, name="archive_list_export"),
    path("office/archive/<int:deputy_id>/", views.archive_detail, name="archive_detail"),
    path("office/archive/<int:deputy_id>/export.xlsx", views.archive_detail_export, name="archive_detail_export"),
    path("office/archive/<int:deputy_id>/print/", views.archive_detail_print, name="archive_detail_print"),
]
