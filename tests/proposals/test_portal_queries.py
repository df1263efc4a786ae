"""Query counts of the deputies' pages: exact, and the same with 10 items as with 1,000."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.models import Deputy
from proposals import services
from proposals.models import (
    Assignment,
    Attachment,
    Commitment,
    CommitmentProgress,
    CoSigner,
    Reply,
    ReplyCategory,
    Suggestion,
    SuggestionEvent,
)

from .. import factories
from ..builders import (
    PDF_BYTES,
    draft,
    field,
    make_deputy_user,
    published_guide,
    replied,
    upload,
)

pytestmark = pytest.mark.django_db
S = Suggestion.Status
A = Assignment.Status

# Exact counts. Every page pays 4 for the layout: session, user, the user's role groups (header
# navigation) and the unread-message count; see each test for the rest.
LIST_QUERIES = 13
DETAIL_QUERIES = 14


def url(name, *args):
    return reverse(f"proposals_portal:{name}", args=args)


def bulk_suggestions(lead, n, *, status, unit=None, assignment_status=A.ASSIGNED, staff=None, title="批量建议"):
    """``n`` items of ``lead`` in ``status``; with ``unit``, each assigned to it."""
    now = timezone.now()
    items = Suggestion.objects.bulk_create(
        [
            Suggestion(
                congress_id=lead.congress_id,
                lead_deputy=lead,
                title=f"{title}{i}",
                body="正文",
                status=status,
                field=field(),
                created_by_id=lead.user_id,
                created_at=now - datetime.timedelta(minutes=i),
            )
            for i in range(n)
        ]
    )
    if unit is not None:
        today = timezone.localdate()
        Assignment.objects.bulk_create(
            [
                Assignment(
                    suggestion=s,
                    unit=unit,
                    status=assignment_status,
                    assigned_on=today,
                    reassign_window_ends=today,
                    deadline=today + datetime.timedelta(days=30 + i % 60),
                    assigned_by=staff,
                )
                for i, s in enumerate(items)
            ]
        )
    return items


def populate_list(deputy, other, staff, unit, n):
    """n items in each section of the list: mine (half being handled), requests to answer, co-signed."""
    bulk_suggestions(deputy.mandate, n // 2, status=S.DRAFT)
    bulk_suggestions(deputy.mandate, n - n // 2, status=S.ASSIGNED, unit=unit, staff=staff)
    asking = bulk_suggestions(other.mandate, n, status=S.DRAFT, title="请附议")
    signed = bulk_suggestions(other.mandate, n, status=S.ASSIGNED, unit=unit, staff=staff, title="已附议")
    CoSigner.objects.bulk_create(
        [CoSigner(suggestion=s, deputy=deputy.mandate) for s in asking]
        + [CoSigner(suggestion=s, deputy=deputy.mandate, status=CoSigner.Status.CONFIRMED) for s in signed]
    )


def test_list_query_count_does_not_grow(
    deputy_client, deputy, staff, unit_officer, city, term, django_assert_num_queries
):
    """GIVEN 10, then 1,000 items in each section WHEN the list is opened THEN the same queries run:
    layout (4), my items (count, page, units), requests (count, page), co-signed (count, page,
    units), mandates."""
    other = make_deputy_user(city, term, "王代表")
    populate_list(deputy, other, staff, unit_officer.unit, 10)
    with django_assert_num_queries(LIST_QUERIES):
        small = deputy_client.get(url("list"))
    assert small.status_code == 200 and "批量建议0" in small.content.decode()

    populate_list(deputy, other, staff, unit_officer.unit, 990)
    with django_assert_num_queries(LIST_QUERIES):
        large = deputy_client.get(url("list"))
    html = large.content.decode()
    assert large.status_code == 200 and "示例市交通运输局" in html
    assert large.context["led"].paginator.count == 1000 and large.context["cosigned"].paginator.count == 1000
    assert large.context["waiting"].paginator.count == 1000


def enlarge_item(suggestion, staff, unit_officer, city, term, n):
    """More of everything on one item: co-signers, files, events, units with replies and commitments."""
    electoral_unit = factories.ElectoralUnitFactory(congress=city)
    deputies = Deputy.objects.bulk_create(
        [
            Deputy(congress=city, term=term, electoral_unit=electoral_unit, name=f"附议{i}", gender="F", mobile="")
            for i in range(n)
        ]
    )
    CoSigner.objects.bulk_create([CoSigner(suggestion=suggestion, deputy=d, status="confirmed") for d in deputies])
    first = Attachment.objects.filter(suggestion=suggestion).first()
    Attachment.objects.bulk_create(
        [
            Attachment(
                suggestion=suggestion,
                file=first.file.name,
                token=f"t{i}",
                extension=".pdf",
                original_name=f"附件{i}.pdf",
                content_type="application/pdf",
                size=10,
                uploaded_by=staff,
            )
            for i in range(n)
        ]
    )
    SuggestionEvent.objects.bulk_create(
        [SuggestionEvent(suggestion=suggestion, action="contact", actor=unit_officer, note="电话") for _ in range(n)]
    )
    today = timezone.localdate()
    units = [factories.UnitFactory(congress=city) for _ in range(3)]
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                suggestion=suggestion,
                unit=u,
                role="joint",
                status=A.REPLIED,
                assigned_on=today,
                reassign_window_ends=today,
                deadline=today,
                assigned_by=staff,
            )
            for u in units
        ]
    )
    category = ReplyCategory.objects.get(code="B")
    replies = Reply.objects.bulk_create(
        [
            Reply(
                assignment=a,
                round=r,
                category=category,
                text="答复",
                signer="局长",
                replied_on=today,
                created_by=unit_officer,
            )
            for a in assignments
            for r in (1, 2)
        ]
    )
    commitments = Commitment.objects.bulk_create(
        [Commitment(reply=r, content="批量承诺", due_date=today) for r in replies for _ in range(3)]
    )
    CommitmentProgress.objects.bulk_create(
        [
            CommitmentProgress(commitment=c, reported_on=today, note="进展", reported_by=unit_officer)
            for c in commitments
        ]
    )


def test_detail_query_count_does_not_grow(
    deputy_client, deputy, staff, unit_officer, city, term, django_assert_num_queries
):
    """GIVEN a replied item with a co-signer, a file, a commitment with progress WHEN the lead
    deputy opens it, with 10 and then 1,000 other items in the database and many more
    co-signers, files, events, units, replies and commitments on the item THEN the same queries run:
    layout (4), the item, co-signers, files, units, replies, reply files, ratings, commitments,
    progress, events."""
    suggestion, _assignment, reply = replied(deputy, staff, unit_officer)
    services.attachment_add(actor=staff, suggestion=suggestion, upload=upload("a.pdf", PDF_BYTES))
    services.commitment_progress_add(actor=unit_officer, commitment=reply.commitments.get(), note="进展")
    bulk_suggestions(deputy.mandate, 10, status=S.ASSIGNED, unit=unit_officer.unit, staff=staff)
    with django_assert_num_queries(DETAIL_QUERIES):
        small = deputy_client.get(url("detail", suggestion.pk))
    assert small.status_code == 200 and url("rate", suggestion.pk, reply.pk) in small.content.decode()

    bulk_suggestions(deputy.mandate, 990, status=S.ASSIGNED, unit=unit_officer.unit, staff=staff)
    enlarge_item(suggestion, staff, unit_officer, city, term, 50)
    with django_assert_num_queries(DETAIL_QUERIES):
        large = deputy_client.get(url("detail", suggestion.pk))
    html = large.content.decode()
    assert large.status_code == 200 and "附议49" in html and "附件49.pdf" in html
    assert html.count("批量承诺") == 18


def test_other_pages_query_counts_do_not_grow(
    deputy_client, deputy, staff, unit_officer, city, term, django_assert_num_queries
):
    """The drafting page, the topic guide and the unit contacts: fixed counts, 10 or 1,000 items.

    - new: layout (4), mandates, guide, fields, sessions = 8
    - edit (a draft with co-signers and files): layout (4), item, co-signers, files, fields,
      sessions, guide, similar suggestions = 11
    - guide: layout (4), mandates, guides = 6
    - units: layout (4), mandates, count, page = 7
    """
    item = draft(deputy)
    services.attachment_add(actor=deputy, suggestion=item, upload=upload("a.pdf", PDF_BYTES))
    published_guide(city)
    pages = {url("new"): 8, url("edit", item.pk): 11, url("guide"): 6, url("units"): 7}

    def visit():
        for page, count in pages.items():
            with django_assert_num_queries(count):
                assert deputy_client.get(page).status_code == 200

    def grow(n):
        bulk_suggestions(deputy.mandate, n, status=S.DRAFT)
        factories.UnitFactory.create_batch(n // 10, congress=city)
        electoral_unit = factories.ElectoralUnitFactory(congress=city)
        deputies = Deputy.objects.bulk_create(
            [
                Deputy(congress=city, term=term, electoral_unit=electoral_unit, name=f"代表{n}-{i}", gender="M")
                for i in range(n // 10)
            ]
        )
        CoSigner.objects.bulk_create([CoSigner(suggestion=item, deputy=d) for d in deputies])

    grow(10)
    visit()
    grow(990)
    visit()
