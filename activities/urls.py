from django.urls import path

from . import views, views_letters

app_name = "activities"

urlpatterns = [
    # The deputy's own invitations and history (portal).
    path("portal/activities/", views.my_activities, name="my_activities"),
    # Organisers (staff or the officer named as recorder).
    path("activities/mine/", views.my_recording, name="my_recording"),
    path("activities/<int:pk>/invite/", views.activity_invite, name="activity_invite"),
    path("activities/<int:pk>/attendance/", views.attendance, name="attendance"),
    # Deputies' letters (代表信访): the deputy, the unit that answers, the office.
    path("portal/letters/", views_letters.portal_list, name="letters_portal"),
    path("portal/letters/new/", views_letters.portal_new, name="letter_new"),
    path("portal/letters/<int:pk>/", views_letters.portal_detail, name="letter_portal"),
    path("portal/letters/<int:pk>/feedback/", views_letters.portal_feedback, name="letter_feedback"),
    path("unit/letters/", views_letters.unit_list, name="letters_unit"),
    path("unit/letters/<int:pk>/", views_letters.unit_detail, name="letter_unit"),
    path("unit/letters/<int:pk>/reply/", views_letters.unit_reply, name="letter_reply"),
    path("office/letters/", views_letters.office_list, name="letters_office"),
    path("office/letters/<int:pk>/", views_letters.office_detail, name="letter_office"),
    path("office/letters/<int:pk>/forward/", views_letters.office_forward, name="letter_forward"),
    path("office/letters/<int:pk>/close/", views_letters.office_close, name="letter_close"),
    path("letters/<int:pk>/files/<int:file_pk>/", views_letters.letter_file, name="letter_file"),
]
