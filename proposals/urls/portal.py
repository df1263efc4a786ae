from django.urls import path

from ..views import portal as views
from ..views import supervision as supervision_views

app_name = "proposals_portal"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.suggestion_new, name="new"),
    path("guide/", views.topic_guide, name="guide"),
    path("units/", views.unit_contacts, name="units"),
    path("supervision/", supervision_views.leader_page, name="supervision"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("<int:pk>/edit/", views.suggestion_edit, name="edit"),
    path("<int:pk>/cosigners/", views.cosigner_invite, name="invite"),
    path("<int:pk>/cosign/", views.cosigner_respond, name="respond"),
    path("<int:pk>/attachments/", views.attachment_upload, name="upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("<int:pk>/cosigners/<int:cosigner_pk>/withdraw/", views.cosigner_withdraw, name="cosigner_withdraw"),
    path("<int:pk>/replies/<int:reply_pk>/rate/", views.reply_rate, name="rate"),
]
