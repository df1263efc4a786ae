"""Helpers of the handling tests (tests/proposals/test_handling_*.py): the state snapshot a
refused action must leave untouched, the contact a reply needs, and a reply sent with the
real rules (letter, length, contact)."""

from django.utils import timezone

from proposals import services
from proposals.models import (
    Assignment,
    AssistingView,
    Attachment,
    Extension,
    Reply,
    Suggestion,
    SuggestionEvent,
    UrgingNotice,
)

from ..builders import categories, pdf

LONG_TEXT = "经研究，我局已于本月完成改造，新增停车泊位二百个，并建立长效管理机制，欢迎代表继续监督。"


def snapshot(suggestion) -> tuple:
    """Everything a handling action could change on an item."""
    s = Suggestion.objects.get(pk=suggestion.pk)
    return (
        s.status,
        list(SuggestionEvent.objects.filter(suggestion=s).values_list("action", flat=True)),
        sorted(Assignment.objects.filter(suggestion=s).values_list("unit_id", "role", "status", "deadline")),
        Reply.objects.filter(assignment__suggestion=s).count(),
        Attachment.objects.filter(suggestion=s).count(),
        sorted(AssistingView.objects.filter(assignment__suggestion=s).values_list("assignment_id", "text")),
        sorted(
            Extension.objects.filter(assignment__suggestion=s).values_list(
                "assignment_id", "status", "requested_until", "granted_until"
            )
        ),
        UrgingNotice.objects.filter(assignment__suggestion=s).count(),
    )


def contact(officer, assignment):
    return services.contact_log_add(
        actor=officer,
        assignment=assignment,
        stage="before",
        method="phone",
        contacted_on=timezone.localdate(),
        note="电话听取代表意见",
    )


def official_reply(officer, assignment, *, code="A", text=LONG_TEXT, letter="default", replied_on=None):
    """The unit's reply with the rules on: ``letter=None`` sends none."""
    return services.reply_submit(
        actor=officer,
        assignment=assignment,
        category=categories()[code],
        text=text,
        signer="张局长",
        replied_on=replied_on or timezone.localdate(),
        commitments=[],
        letter=pdf() if letter == "default" else letter,
        confirmed=True,
    )


def in_english():
    """Services' messages read in English (zh-hans is the default language)."""
    from django.utils import translation

    return translation.override("en")
