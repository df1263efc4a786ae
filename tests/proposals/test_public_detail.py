"""The public detail page /proposals/<pk>/ and its attachment downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.management.commands.bench_proposals import build_dataset
from proposals import services
from proposals.models import Attachment, CoSigner, Rating, Suggestion

from ..builders import (
    assigned,
    draft,
    handled,
    make_deputy_user,
    make_officer,
    rate,
    reply,
    submitted,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The item with its select_related rows, then co-signers, units, replies, ratings,
# commitments and attachments: one query each.
DETAIL_QUERIES = 7


def detail(pk) -> str:
    return reverse("proposals:detail", args=[pk])


def set_public(attachment, public=True):
    # Staff clear a file for publication; there is no service for it yet (see the report).
    Attachment.objects.filter(pk=attachment.pk).update(public=public)


@pytest.fixture
def cosigner(city, term):
    return make_deputy_user(
        city,
        term,
        "附议代表甲",
        mobile="13800009991",
        email="cosigner-private@example.net",
        address="玄武区某路1号（私密）",
        id_number="",
    )


@pytest.fixture
def police(city):
    return make_officer(city, "示例市公安局")


@pytest.fixture
def rich(deputy, staff, unit_officer, police, cosigner, city, term):
    """A published item with a confirmed and a declined co-signer, two units (one re-handled),
    a B reply with a commitment, ratings and attachments."""
    decliner = make_deputy_user(city, term, "拒绝附议代表")
    suggestion = draft(deputy, title="关于缓解老旧小区停车难问题的建议")
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[cosigner.mandate, decliner.mandate])
    for user, confirm in [(cosigner, True), (decliner, False)]:
        c = CoSigner.objects.select_related("deputy", "suggestion").get(suggestion=suggestion, deputy=user.mandate)
        services.cosigner_respond(actor=user, cosigner=c, confirm=confirm)
    own = services.attachment_add(actor=deputy, suggestion=suggestion, upload=SimpleUploadedFile("调研报告.pdf", PDF))
    hidden = services.attachment_add(
        actor=deputy, suggestion=suggestion, upload=SimpleUploadedFile("内部材料.pdf", PDF)
    )
    services.suggestion_submit(actor=deputy, suggestion=suggestion)
    services.suggestion_accept(actor=staff, suggestion=suggestion)
    services.suggestion_assign(
        actor=staff, suggestion=suggestion, units_roles=[(unit_officer.unit, "separate"), (police.unit, "separate")]
    )
    joint_reply = reply(police, suggestion, code="B", text="已施划夜间限时泊位。")
    first = reply(unit_officer, suggestion, code="C", text="暂不具备条件。")
    rate(deputy, first, Rating.Value.UNSATISFIED, "仍未解决")
    rate(deputy, joint_reply, Rating.Value.BASICALLY)
    second = reply(unit_officer, suggestion, code="A", text="经再次研究，已新增泊位三百个。")
    letter = services.attachment_add(
        actor=unit_officer, suggestion=suggestion, reply=second, upload=SimpleUploadedFile("答复函.pdf", PDF)
    )
    rate(deputy, second, Rating.Value.SATISFIED)
    services.suggestion_close(actor=staff, suggestion=suggestion, publish=True)
    set_public(own)
    set_public(letter)
    return {
        "suggestion": Suggestion.objects.get(pk=suggestion.pk),
        "own": own,
        "hidden": hidden,
        "letter": letter,
        "decliner": decliner,
    }


@pytest.mark.django_db
def test_detail_shows_deputies_units_replies_and_feedback(client, rich, deputy, cosigner, unit_officer, police):
    response = client.get(detail(rich["suggestion"].pk))

    assert response.status_code == 200
    html = response.content.decode()
    mandate = deputy.mandate
    assert mandate.name in html and mandate.electoral_unit.name in html
    assert cosigner.mandate.name in html and cosigner.mandate.electoral_unit.name in html
    assert rich["decliner"].mandate.name not in html  # declined: not a co-signer
    assert unit_officer.unit.name in html and police.unit.name in html
    for text in ["暂不具备条件。", "经再次研究，已新增泊位三百个。", "已施划夜间限时泊位。", "年内新增错时共享泊位"]:
        assert text in html
    assert rich["suggestion"].number_label in html
    assert "pp-cat-a" in html and "pp-cat-b" in html and "pp-cat-c" in html
    assert str(Rating.Value.SATISFIED.label) in html


@pytest.mark.django_db
def test_no_private_contact_detail_appears(client, rich, deputy, cosigner, unit_officer):
    html = client.get(detail(rich["suggestion"].pk)).content.decode()

    for private in [
        deputy.mandate.mobile,
        cosigner.mandate.mobile,
        "cosigner-private@example.net",
        "玄武区某路1号",
        deputy.email,
        unit_officer.email,
        unit_officer.mobile,
        "仍未解决",
    ]:
        assert private and private not in html


@pytest.mark.django_db
def test_only_attachments_cleared_for_publication_are_listed_and_served(client, rich):
    suggestion = rich["suggestion"]
    html = client.get(detail(suggestion.pk)).content.decode()
    assert "调研报告.pdf" in html and "答复函.pdf" in html
    assert "内部材料.pdf" not in html

    for key, status in [("own", 200), ("letter", 200), ("hidden", 404)]:
        url = reverse("proposals:attachment", args=[suggestion.pk, rich[key].pk])
        response = client.get(url)
        assert response.status_code == status, key
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_download_re_checks_publication(client, rich, staff):
    suggestion = rich["suggestion"]
    url = reverse("proposals:attachment", args=[suggestion.pk, rich["own"].pk])
    assert client.get(url).status_code == 200

    services.suggestion_set_published(actor=staff, suggestion=suggestion, published=False)

    assert client.get(url).status_code == 404
    assert client.get(detail(suggestion.pk)).status_code == 404


@pytest.mark.django_db
def test_an_attachment_is_served_only_under_its_own_item(client, rich, deputy, staff, unit_officer):
    other = handled(deputy, staff, [unit_officer], title="关于另一事项的建议")

    url = reverse("proposals:attachment", args=[other.pk, rich["own"].pk])

    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_unpublished_draft_merged_and_guessed_ids_answer_404(client, deputy, staff, unit_officer):
    unpublished = handled(deputy, staff, [unit_officer], title="关于未公开事项的建议", publish=False)
    a_draft = draft(deputy, title="关于草稿的建议")
    target = submitted(deputy, title="关于并案目标的建议")
    duplicate = submitted(deputy, title="关于重复事项的建议")
    services.suggestion_merge(actor=staff, suggestion=duplicate, into=target)
    in_handling = assigned(deputy, staff, [unit_officer], title="关于办理中的建议")
    last = Suggestion.objects.order_by("-pk").values_list("pk", flat=True).first()

    for pk in [unpublished.pk, a_draft.pk, duplicate.pk, target.pk, in_handling.pk, last + 1, 999999]:
        assert client.get(detail(pk)).status_code == 404, pk


@pytest.mark.django_db
def test_a_logged_in_lead_deputy_still_sees_only_published_items_here(client, deputy, staff, unit_officer):
    """The public page is public: the lead deputy's own unpublished item is on the portal, not here."""
    mine = handled(deputy, staff, [unit_officer], publish=False)
    client.force_login(deputy)

    assert client.get(detail(mine.pk)).status_code == 404


@pytest.mark.django_db
def test_texts_are_escaped_and_no_inline_script_or_style(client, deputy, staff, unit_officer):
    item = handled(
        deputy,
        staff,
        [unit_officer],
        title="&lt;script&gt;alert(1)&lt;/script&gt;",
        body="&lt;b onmouseover=alert(2)&gt;粗体&lt;/b&gt;\n\n- 要点",
        texts={0: "&lt;iframe src=//evil&gt;答复"},
    )

    html = client.get(detail(item.pk)).content.decode()

    assert "<script>alert" not in html and "<b onmouseover" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;iframe src=//evil&gt;" in html
    assert "style=" not in html and "<script" not in html


@pytest.mark.django_db
def test_query_count_is_the_same_with_10_and_1000_items(client, rich, django_assert_num_queries, settings):
    # Drawn from the models (the stored renditions' counts: test_renditions.py).
    settings.PROPOSALS_RENDITIONS = False

    def count(pk):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail(pk)).status_code == 200
        return len(ctx.captured_queries)

    build_dataset(count=10, published_share=1.0, seed=8)
    small_rich, small_bulk = count(rich["suggestion"].pk), count(Suggestion.objects.filter(published=True).last().pk)
    build_dataset(count=1000, published_share=1.0, seed=9)
    large_rich, large_bulk = count(rich["suggestion"].pk), count(Suggestion.objects.filter(published=True).last().pk)

    assert small_rich == large_rich == small_bulk == large_bulk == DETAIL_QUERIES
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(detail(rich["suggestion"].pk))
