"""The deputy's pages, mounted at /portal/liaison/."""

from django.urls import path

from ..views import consultations, contacts_portal
from ..views import portal as views

app_name = "liaison_portal"

urlpatterns = [
    path("", views.duties, name="duties"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/answer/", views.opinion_answer, name="answer"),
    path("opinions/<int:pk>/note/", views.opinion_note, name="note"),
]

# The two connections: an SC member's assigned deputies and contacts, a deputy's meeting topics.

urlpatterns += [
    path("contacts/", contacts_portal.contacts, name="contacts"),
    path("contacts/record/", contacts_portal.contact_record, name="contact_record"),
    path("topics/", contacts_portal.topics, name="topics"),
    path("topics/<int:pk>/", contacts_portal.topic_detail, name="topic"),
    path("topics/<int:pk>/opinion/", contacts_portal.topic_opinion, name="topic_opinion"),
    path("consultations/", consultations.portal_list, name="consultations"),
    path("consultations/<int:pk>/", consultations.portal_detail, name="consultation"),
    path("consultations/<int:pk>/comment/", consultations.portal_comment, name="consultation_comment"),
]
