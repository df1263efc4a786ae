from django.urls import path

from ..views import supervision as supervision_views
from ..views import unit as views

app_name = "proposals_unit"

urlpatterns = [
    path("", views.home, name="home"),
    path("supervision/", supervision_views.unit_page, name="supervision"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/reassign/", views.reassign_request, name="reassign"),
    path("assignments/<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("assignments/<int:pk>/reply/", views.reply, name="reply"),
    path("assignments/<int:pk>/view/", views.assisting_view, name="assisting_view"),
    path("assignments/<int:pk>/extension/", views.extension_request, name="extension"),
    path("replies/<int:pk>/letter/", views.reply_letter, name="reply_letter"),
    path("cosignatures/<int:pk>/sign/", views.cosign, name="cosign"),
    path("cosignatures/<int:pk>/return/", views.cosign_return, name="cosign_return"),
    path("commitments/<int:pk>/progress/", views.commitment_progress, name="commitment_progress"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
