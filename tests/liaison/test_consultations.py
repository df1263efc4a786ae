"""Consultations: a committee's draft put to the deputies by article or as a whole until a
closing date; comments in the portal; the committee's view per article, decisions and export;
the commenter sees what was adopted; a reminder three days before closing, once."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import InvalidTransition, NotAllowed
from liaison import scans
from liaison import services_consultations as services
from liaison.models import Committee, Consultation, ConsultationArticle, ConsultationComment
from notifications.models import Notification

from .. import factories

pytestmark = pytest.mark.django_db
DRAFT = "第一条 为了规范养老服务，制定本条例。\n\n第二条 本市行政区域内的养老服务适用本条例。\n\n第三条 市民政部门负责本条例的实施。"


def soon(days=10):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def draft(staff, committee):
    return services.consultation_create(
        actor=staff, committee=committee, title="养老服务条例（草案）", draft=DRAFT, by_article=True, closes_on=soon()
    )


@pytest.fixture
def published(staff, draft):
    return services.consultation_publish(actor=staff, consultation=draft)


def test_a_draft_by_article_has_one_article_per_paragraph(draft):
    assert list(draft.articles.values_list("number", flat=True)) == [1, 2, 3]
    assert draft.articles.get(number=2).text.startswith("第二条")
    assert draft.published_at is None


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"title": ""}, "title", "这个字段是必填项"),
        ({"draft": "  "}, "draft", "这个字段是必填项"),
        ({"closes_on": "today"}, "closes_on", "截止日期须晚于今天"),
        ({"draft": "条\x00"}, "draft", "无法保存的字符"),
    ],
)
def test_bad_drafts_are_refused(staff, committee, values, field, message):
    data = {"title": "草案", "draft": DRAFT, "by_article": True, "closes_on": soon(), **values}
    if data["closes_on"] == "today":
        data["closes_on"] = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.consultation_create(actor=staff, committee=committee, **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert Consultation.objects.count() == 0 and ConsultationArticle.objects.count() == 0


def test_district_staff_may_not_consult_for_a_city_committee(district_staff, committee):
    with pytest.raises(NotAllowed):
        services.consultation_create(
            actor=district_staff, committee=committee, title="草案", draft=DRAFT, by_article=False, closes_on=soon()
        )
    assert Consultation.objects.count() == 0


def test_publishing_tells_the_serving_deputies_once(staff, draft, deputy, other_deputy, city, term):
    gone = factories.UserFactory()
    factories.DeputyFactory(congress=city, term=term, user=gone, status="terminated")
    services.consultation_publish(actor=staff, consultation=draft)
    key = f"liaison:consultation:{draft.pk}:published"
    assert set(Notification.objects.filter(key=key).values_list("user_id", flat=True)) == {deputy.pk, other_deputy.pk}
    with pytest.raises(InvalidTransition) as exc:
        services.consultation_publish(actor=staff, consultation=draft)
    assert "已经发布" in str(exc.value)


def test_a_deputy_comments_per_article_and_rewrites(client, published, deputy):
    article = published.articles.get(number=2)
    client.force_login(deputy)
    url = reverse("liaison_portal:consultation_comment", args=[published.pk])
    assert client.post(url, {"article": article.pk, "text": "建议明确农村地区养老服务的适用。"}).status_code == 302
    assert client.post(url, {"article": article.pk, "text": "建议明确农村地区适用。"}).status_code == 302
    comment = ConsultationComment.objects.get()
    assert comment.article == article and comment.text == "建议明确农村地区适用。"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"article": "", "text": "意见"}, "请选择您提意见的条款"),
        ({"article": "", "text": ""}, "这个字段是必填项"),
        ({"article": "999999", "text": "意见"}, "选择一个有效的选项"),
    ],
)
def test_bad_comments_come_back_in_chinese(client, published, deputy, data, message):
    client.force_login(deputy)
    response = client.post(reverse("liaison_portal:consultation_comment", args=[published.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert ConsultationComment.objects.count() == 0


def test_a_whole_draft_takes_comments_on_the_whole(staff, committee, deputy):
    whole = services.consultation_create(
        actor=staff, committee=committee, title="决定（草案）", draft=DRAFT, by_article=False, closes_on=soon()
    )
    services.consultation_publish(actor=staff, consultation=whole)
    comment = services.consultation_comment(
        actor=deputy, consultation=whole, deputy=deputy.mandate, article=None, text="总体赞成。"
    )
    assert comment.article is None and whole.articles.count() == 0


def test_no_comment_before_publishing_after_closing_or_by_someone_else(staff, draft, deputy, other_deputy, district):
    article = draft.articles.first()
    with pytest.raises(InvalidTransition):
        services.consultation_comment(
            actor=deputy, consultation=draft, deputy=deputy.mandate, article=article, text="x"
        )
    services.consultation_publish(actor=staff, consultation=draft)
    with pytest.raises(NotAllowed):
        services.consultation_comment(
            actor=other_deputy, consultation=draft, deputy=deputy.mandate, article=article, text="x"
        )
    district_user = factories.UserFactory()
    outsider = factories.DeputyFactory(congress=district, user=district_user)
    with pytest.raises(NotAllowed):
        services.consultation_comment(
            actor=district_user, consultation=draft, deputy=outsider, article=article, text="x"
        )
    Consultation.objects.filter(pk=draft.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    draft.refresh_from_db()
    with pytest.raises(InvalidTransition) as exc:
        services.consultation_comment(
            actor=deputy, consultation=draft, deputy=deputy.mandate, article=article, text="x"
        )
    assert "不在征求意见期内" in str(exc.value)
    assert ConsultationComment.objects.count() == 0


def test_the_committee_sees_decides_and_exports_and_the_deputy_sees_what_was_adopted(
    client, staff, published, deputy, other_deputy
):
    first, second = published.articles.all()[:2]
    mine = services.consultation_comment(
        actor=deputy, consultation=published, deputy=deputy.mandate, article=first, text="=建议增加定义条款。"
    )
    services.consultation_comment(
        actor=other_deputy, consultation=published, deputy=other_deputy.mandate, article=second, text="建议删除。"
    )
    client.force_login(staff)
    page = client.get(reverse("liaison_office:consultation", args=[published.pk]))
    assert "=建议增加定义条款。" in page.content.decode() and "建议删除。" in page.content.decode()
    response = client.post(
        reverse("liaison_office:comment_decide", args=[mine.pk]),
        {f"c{mine.pk}-adopted": "1", f"c{mine.pk}-note": "已在第一条中增加定义。"},
    )
    assert response.status_code == 302
    export = client.get(reverse("liaison_office:consultation_export", args=[published.pk]))
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    assert rows[0] == ["条款", "代表", "意见", "已采纳", "办理情况"]
    assert ["第1条", deputy.mandate.name, "=建议增加定义条款。", "已采纳", "已在第一条中增加定义。"] in rows
    client.force_login(deputy)
    html = client.get(reverse("liaison_portal:consultation", args=[published.pk])).content.decode()
    assert "已在第一条中增加定义。" in html and "建议删除。" not in html


def test_district_staff_and_deputies_do_not_reach_the_office_pages(client, district_staff, deputy, published):
    client.force_login(district_staff)
    assert client.get(reverse("liaison_office:consultation", args=[published.pk])).status_code == 404
    client.force_login(deputy)
    assert client.get(reverse("liaison_office:consultations")).status_code == 403


def test_a_draft_not_published_is_not_in_the_portal(client, draft, deputy):
    client.force_login(deputy)
    assert client.get(reverse("liaison_portal:consultation", args=[draft.pk])).status_code == 404
    assert client.get(reverse("liaison_portal:consultations")).context["rows"] == []


def test_staff_create_a_consultation_on_the_office_page(client, staff, committee):
    client.force_login(staff)
    url = reverse("liaison_office:consultations")
    data = {"committee": committee.pk, "title": "草案", "draft": DRAFT, "by_article": "on", "closes_on": "2000-01-01"}
    response = client.post(url, data)
    assert response.status_code == 200 and "截止日期须晚于今天" in response.content.decode()
    assert Consultation.objects.count() == 0
    response = client.post(url, {**data, "closes_on": soon().isoformat()})
    assert response.status_code == 302 and Consultation.objects.get().articles.count() == 3


def test_the_closing_reminder_goes_once_to_those_who_have_not_commented(staff, published, deputy, other_deputy):
    services.consultation_comment(
        actor=deputy, consultation=published, deputy=deputy.mandate, article=published.articles.first(), text="意见"
    )
    Consultation.objects.filter(pk=published.pk).update(closes_on=soon(3))
    now = timezone.now()
    assert scans.consultation_closing(now) == 1
    assert scans.consultation_closing(now) == 0
    assert Notification.objects.filter(key__endswith=":closing").get().user == other_deputy
    Consultation.objects.filter(pk=published.pk).update(closes_on=soon(4))
    assert scans.consultation_closing(now) == 0


def test_district_staff_choose_only_their_committees(client, district_staff, district, committee):
    Committee.objects.create(congress=district, name="区委员会")
    client.force_login(district_staff)
    form = client.get(reverse("liaison_office:consultations")).context["form"]
    assert [c.name for c in form.fields["committee"].queryset] == ["区委员会"]
