"""The office's pages, mounted at /office/: opinions and stations."""

from django.urls import path

from ..views import committees, consultations, contacts_office
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
    path("duties/<int:pk>/cancel/", views.duty_cancel, name="duty_cancel"),
]

# The two connections, under /office/liaison/.

urlpatterns += [
    path("liaison/coverage/", contacts_office.coverage, name="coverage"),
    path("liaison/contacts/", contacts_office.records, name="contacts"),
    path("liaison/contacts/<int:pk>/", contacts_office.record_detail, name="contact"),
    path("liaison/contacts/<int:pk>/route/", contacts_office.record_route, name="contact_route"),
    path("liaison/meetings/", contacts_office.meetings, name="meetings"),
    path("liaison/meetings/<int:pk>/", contacts_office.meeting_detail, name="meeting"),
    path("liaison/meetings/<int:pk>/symposium/", contacts_office.symposium, name="symposium"),
    path("liaison/meetings/<int:pk>/export.xlsx", contacts_office.meeting_export, name="meeting_export"),
    path("liaison/topics/<int:pk>/invite/", contacts_office.topic_invite, name="topic_invite"),
    path("liaison/topics/<int:pk>/wide/", contacts_office.topic_invite_wide, name="topic_wide"),
    path("liaison/committees/", committees.committee_list, name="committees"),
    path("liaison/committees/<int:pk>/", committees.committee_detail, name="committee"),
    path("liaison/groups/<int:pk>/", committees.group_detail, name="group"),
    path("liaison/consultations/", consultations.office_list, name="consultations"),
    path("liaison/consultations/<int:pk>/", consultations.office_detail, name="consultation"),
    path("liaison/consultations/<int:pk>/publish/", consultations.office_publish, name="consultation_publish"),
    path("liaison/consultations/<int:pk>/export.xlsx", consultations.office_export, name="consultation_export"),
    path("liaison/comments/<int:pk>/decide/", consultations.office_decide, name="comment_decide"),
]
