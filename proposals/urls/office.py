from django.urls import path

from ..views import awards as awards_views
from ..views import office as views
from ..views import supervision as supervision_views

app_name = "proposals_office"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("review/", views.review, name="review"),
    path("new/", views.paper_entry, name="new"),
    path("deadlines/", views.escalation, name="escalation"),
    path("report/", views.handling_report, name="report"),
    path("deadlines/chairpersons/", views.chairpersons, name="chairpersons"),
    path("extensions/<int:pk>/decide/", views.decide_extension, name="decide_extension"),
    path("assignments/<int:pk>/urge/", views.urge, name="urge"),
    path("urging-notices/<int:pk>/letter.docx", views.urging_letter, name="urging_letter"),
    path("export/ledger.xlsx", views.export_ledger, name="export_ledger"),
    path("export/units.xlsx", views.export_units, name="export_units"),
    path("export/commitments.xlsx", views.export_commitments, name="export_commitments"),
    path("awards/", awards_views.office_awards, name="awards"),
    path("awards/nominate/", awards_views.nominate, name="award_nominate"),
    path("awards/decide/", awards_views.decide, name="award_decide"),
    path("awards/publish/", awards_views.publish_year, name="award_publish"),
    path("awards/<int:pk>/<str:action>/", awards_views.award_action, name="award_action"),
    path("supervision/report/", supervision_views.office_report, name="supervision_report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/convert/", views.convert, name="convert"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/key-supervision/", views.key_supervision, name="key_supervision"),
    path("<int:pk>/key-supervision/progress/", views.key_supervision_progress, name="key_supervision_progress"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/replies.docx", views.reply_summary, name="reply_summary"),
    path("assignments/<int:pk>/letter.docx", views.assignment_letter, name="assignment_letter"),
    path("assignments/<int:pk>/decide/", views.decide_reassign, name="decide_reassign"),
    path("replies/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
