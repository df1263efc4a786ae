"""The performance archive (履职档案): the deputy's own page, staff pages, exports, print, query counts."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from activities.models import Activity, DeputyLetter, DutyReport, Participation, SpecialSupervisor
from tests import factories
from tests.builders import serving_deputies, today
from tests.factories import ActivityFactory, ParticipationFactory

P = Participation.Status
YEAR = today().year


def zh(text: str) -> str:
    """The Chinese the exports use for an English msgid (the msgid itself until the catalogue has it)."""
    with translation.override("zh-hans"):
        return gettext(text)


def history(deputy, staff, n, *, start=0):
    """n participations of the deputy this year, of alternating kinds and states."""
    kinds = [Activity.Kind.INSPECTION, Activity.Kind.RESEARCH, Activity.Kind.SYMPOSIUM]
    states = [P.ATTENDED, P.ATTENDED, P.ABSENT, P.EXCUSED, P.DECLINED]
    day0 = datetime.date(YEAR, 1, 2)
    for i in range(start, start + n):
        day = min(day0 + datetime.timedelta(days=i % 300), today())
        activity = ActivityFactory(
            congress=deputy.congress, recorder=staff, kind=kinds[i % 3], start_date=day, title=f"活动{i}"
        )
        ParticipationFactory(activity=activity, deputy=deputy, status=states[i % 5])


def workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.getvalue()))


# --- the deputy's own archive ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_deputy_sees_their_archive_with_counts_and_timeline(deputy_client, deputy, staff):
    history(deputy.mandate, staff, 5)
    page = deputy_client.get(reverse("archive:my_archive"))
    assert page.status_code == 200
    assert page.context["deputy"] == deputy.mandate and page.context["year"] == YEAR
    totals = page.context["summary"]["totals"]
    assert (totals["attended_year"], totals["absent_year"], totals["excused_year"], totals["invited_year"]) == (
        2,
        1,
        2,
        5,
    )
    assert len(page.context["timeline"]) == 5
    html = page.content.decode()
    assert "活动0" in html and "活动4" in html and "李代表" in html


@pytest.mark.django_db
def test_the_year_selector_shows_another_year(deputy_client, deputy, staff, city):
    old = ActivityFactory(congress=city, recorder=staff, start_date=datetime.date(YEAR - 1, 6, 1), title="去年的视察")
    ParticipationFactory(activity=old, deputy=deputy.mandate, status=P.ATTENDED)
    page = deputy_client.get(reverse("archive:my_archive"), {"year": YEAR - 1})
    assert page.context["year"] == YEAR - 1
    assert [p.activity for p in page.context["timeline"]] == [old]
    assert page.context["summary"]["totals"]["attended_term"] == 1
    assert deputy_client.get(reverse("archive:my_archive"), {"year": "1900"}).context["year"] == YEAR


@pytest.mark.django_db
def test_a_deputy_with_two_mandates_chooses_one(deputy_client, deputy, staff):
    province = factories.CongressFactory(name="示例省人民代表大会", short_name="省", level="provincial")
    second = factories.DeputyFactory(congress=province, user=deputy, name="李代表")
    history(second, staff, 2)
    page = deputy_client.get(reverse("archive:my_archive"), {"deputy": second.pk})
    assert page.context["deputy"] == second
    assert page.context["summary"]["totals"]["invited_year"] == 2
    # The chosen mandate's tab is marked (the header's own current-section mark aside).
    assert f'?deputy={second.pk}" aria-current="page"' in page.content.decode()


@pytest.mark.django_db
def test_a_deputy_sees_only_their_own_archive(deputy_client, city, term):
    (other,) = serving_deputies(1, city=city, term=term)
    assert deputy_client.get(reverse("archive:my_archive"), {"deputy": other.pk}).status_code == 404
    assert deputy_client.get(reverse("archive:my_archive_export"), {"deputy": other.pk}).status_code == 404
    assert deputy_client.get(reverse("archive:my_archive_print"), {"deputy": other.pk}).status_code == 404
    for name in ("archive_detail", "archive_detail_export", "archive_detail_print"):
        assert deputy_client.get(reverse(f"archive:{name}", args=[other.pk])).status_code == 403
    assert deputy_client.get(reverse("archive:archive_list")).status_code == 403
    assert deputy_client.get(reverse("archive:archive_list_export")).status_code == 403


@pytest.mark.django_db
def test_a_user_without_a_mandate_is_told_so(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("archive:my_archive"))
    assert page.status_code == 200 and page.context.get("deputy") is None
    assert client.get(reverse("archive:my_archive_export")).status_code == 404


@pytest.mark.django_db
def test_the_archive_lists_letters_reports_posts_and_groups(deputy_client, deputy, unit_officer, city, term):
    d = deputy.mandate
    DeputyLetter.objects.create(
        deputy=d,
        subject="学校门口交通拥堵",
        content="…",
        received_on=today(),
        body=unit_officer.unit,
        status=DeputyLetter.Status.FORWARDED,
        forwarded_on=today(),
    )
    DutyReport.objects.create(deputy=d, scheduled_on=today(), audience="玄武区人大常委会", result="satisfied")
    SpecialSupervisor.objects.create(deputy=d, body=unit_officer.unit, start_date=datetime.date(YEAR, 1, 1))
    factories.DeputyGroupFactory(congress=city, term=term, name="玄武代表小组").members.add(d)
    html = deputy_client.get(reverse("archive:my_archive")).content.decode()
    for text in ("学校门口交通拥堵", "玄武区人大常委会", "示例市交通运输局", "玄武代表小组"):
        assert text in html


# --- letters: the deputy's feedback ---------------------------------------------------------------------


@pytest.fixture
def replied_letter(deputy, unit_officer):
    return DeputyLetter.objects.create(
        deputy=deputy.mandate,
        subject="小区加装电梯",
        content="…",
        received_on=today(),
        body=unit_officer.unit,
        forwarded_on=today(),
        status=DeputyLetter.Status.REPLIED,
        reply="已列入计划",
        replied_on=today(),
    )


@pytest.mark.django_db
def test_the_deputy_rates_a_reply_from_the_archive(deputy_client, replied_letter):
    page = deputy_client.get(reverse("archive:my_archive"))
    assert 'name="feedback"' in page.content.decode()
    response = deputy_client.post(
        f"{reverse('archive:my_archive')}?year={YEAR}",
        {"letter": replied_letter.pk, "feedback": "unsatisfied", "note": "进度太慢"},
    )
    assert response.status_code == 302
    replied_letter.refresh_from_db()
    assert (replied_letter.status, replied_letter.feedback, replied_letter.feedback_note) == (
        "closed",
        "unsatisfied",
        "进度太慢",
    )


@pytest.mark.django_db
def test_feedback_without_a_rating_shows_the_error_and_keeps_the_comment(deputy_client, replied_letter):
    page = deputy_client.post(reverse("archive:my_archive"), {"letter": replied_letter.pk, "note": "还没想好"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "还没想好" in html and 'class="errorlist"' in html
    replied_letter.refresh_from_db()
    assert replied_letter.status == DeputyLetter.Status.REPLIED


@pytest.mark.django_db
def test_staff_cannot_rate_for_the_deputy(staff_client, deputy, replied_letter):
    page = staff_client.get(reverse("archive:archive_detail", args=[deputy.mandate.pk]))
    assert page.status_code == 200
    assert 'name="feedback"' not in page.content.decode()
    response = staff_client.post(
        reverse("archive:archive_detail", args=[deputy.mandate.pk]),
        {"letter": replied_letter.pk, "feedback": "satisfied"},
    )
    assert response.status_code == 405
    # Nor through the deputy's own page: the staff member has no mandate, so no letter is theirs.
    staff_client.post(reverse("archive:my_archive"), {"letter": replied_letter.pk, "feedback": "satisfied"})
    replied_letter.refresh_from_db()
    assert replied_letter.status == DeputyLetter.Status.REPLIED


# --- staff: one deputy's archive ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_open_any_deputy_of_their_congress(staff_client, staff, city, term, district_staff, client):
    (d,) = serving_deputies(1, city=city, term=term)
    history(d, staff, 3)
    page = staff_client.get(reverse("archive:archive_detail", args=[d.pk]))
    assert page.status_code == 200 and page.context["summary"]["totals"]["invited_year"] == 3
    client.force_login(district_staff)
    assert client.get(reverse("archive:archive_detail", args=[d.pk])).status_code == 403
    assert staff_client.get(reverse("archive:archive_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_archive_export_has_chinese_headers_counts_and_timeline(staff_client, staff, city, term):
    (d,) = serving_deputies(1, city=city, term=term)
    history(d, staff, 4)
    evil = ActivityFactory(
        congress=city, recorder=staff, title='=HYPERLINK("http://evil.example","点击")', start_date=today()
    )
    ParticipationFactory(activity=evil, deputy=d, status=P.ATTENDED)
    response = staff_client.get(reverse("archive:archive_detail_export", args=[d.pk]), {"year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = workbook(response)
    counts, events, *_sections = book.worksheets
    rows = list(counts.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == zh("Kind of activity"))
    assert rows[header][1] == zh("Attended (year)")
    total = next(r for r in rows if r[0] == zh("Total"))
    assert total[1:] == (3, 5, 1, 1, 3)  # attended, invited, absent, excused/declined this year; attended this term
    timeline = list(events.iter_rows(values_only=True))
    assert timeline[0][0] == zh("Date") and len(timeline) == 1 + 5
    cell = next(c for row in events.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.value.startswith("=")  # text, not a formula


@pytest.mark.django_db
def test_the_deputy_exports_their_own_archive(deputy_client, deputy, staff):
    history(deputy.mandate, staff, 2)
    response = deputy_client.get(reverse("archive:my_archive_export"))
    assert response.status_code == 200
    assert len(list(workbook(response).worksheets[1].iter_rows())) == 3


@pytest.mark.django_db
def test_the_printable_page_is_a_plain_document(deputy_client, deputy, staff):
    history(deputy.mandate, staff, 3)
    page = deputy_client.get(reverse("archive:my_archive_print"), {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert "李代表" in html and "玄武区" in html and "第十七届" in html and str(YEAR) in html
    assert "main-nav" not in html and "site-header" not in html and "<form" not in html
    assert "archive.css" in html and "<script" not in html and "style=" not in html


# --- staff: the list of all deputies ---------------------------------------------------------------------------


@pytest.fixture
def roster(staff, city, term):
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    gulou = factories.ElectoralUnitFactory(congress=city, name="鼓楼区", order=2)
    busy = factories.DeputyFactory(
        congress=city, term=term, electoral_unit=xuanwu, name="甲代表", is_grassroots=True, employer="某社区居委会"
    )
    idle = factories.DeputyFactory(
        congress=city, term=term, electoral_unit=gulou, name="乙代表", is_grassroots=True, mobile="13800007777"
    )
    boss = factories.DeputyFactory(congress=city, term=term, electoral_unit=gulou, name="丙代表", employer="某集团公司")
    history(busy, staff, 5)  # 2 attended, 1 absent
    history(boss, staff, 1)  # 1 attended
    old = ActivityFactory(congress=city, recorder=staff, start_date=datetime.date(YEAR - 1, 5, 5))
    ParticipationFactory(activity=old, deputy=idle, status=P.ATTENDED)  # last year only
    return {"busy": busy, "idle": idle, "boss": boss, "xuanwu": xuanwu, "gulou": gulou}


def listed(client, **params):
    page = client.get(reverse("archive:archive_list"), params)
    assert page.status_code == 200
    return [d.name for d in page.context["page"].object_list], page


@pytest.mark.django_db
def test_the_staff_list_shows_counts_and_only_masked_mobiles(staff_client, roster):
    names, page = listed(staff_client)
    rows = {d.name: d for d in page.context["page"].object_list}
    assert (rows["甲代表"].attended_year, rows["甲代表"].attended_term, rows["甲代表"].absent_year) == (2, 2, 1)
    assert (rows["乙代表"].attended_year, rows["乙代表"].attended_term) == (0, 1)
    html = page.content.decode()
    assert "138****7777" in html and "13800007777" not in html


@pytest.mark.django_db
def test_the_staff_list_filters(staff_client, roster):
    assert set(listed(staff_client, electoral_unit=roster["gulou"].pk)[0]) == {"乙代表", "丙代表"}
    assert set(listed(staff_client, grassroots="yes")[0]) == {"甲代表", "乙代表"}
    assert listed(staff_client, grassroots="no")[0] == ["丙代表"]
    assert listed(staff_client, grassroots="yes", no_activity="on")[0] == ["乙代表"]
    assert listed(staff_client, q="集团")[0] == ["丙代表"]
    assert listed(staff_client, q="乙")[0] == ["乙代表"]
    assert set(listed(staff_client, year=YEAR - 1, no_activity="on")[0]) == {"甲代表", "丙代表"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "order, expected",
    [
        ("-attended_year", ["甲代表", "丙代表", "乙代表"]),
        ("attended_year", ["乙代表", "丙代表", "甲代表"]),
        ("-attended_term", ["甲代表", "丙代表", "乙代表"]),
        ("-absent_year", ["甲代表", "丙代表", "乙代表"]),
        ("absent_year", ["丙代表", "乙代表", "甲代表"]),
        ("electoral_unit", ["甲代表", "丙代表", "乙代表"]),
    ],
)
def test_the_staff_list_sorts_by_each_column(staff_client, roster, order, expected):
    names, page = listed(staff_client, order=order)
    assert names == expected


@pytest.mark.django_db
def test_the_staff_list_sorts_by_name_both_ways(staff_client, roster):
    forward = listed(staff_client, order="name")[0]
    assert listed(staff_client, order="-name")[0] == list(reversed(forward))


@pytest.mark.django_db
def test_the_staff_list_pages_by_50_and_exports_every_filtered_row(staff_client, staff, city, term):
    unit = factories.ElectoralUnitFactory(congress=city, name="江宁区")
    serving_deputies(60, city=city, term=term, unit=unit, is_grassroots=True)
    factories.DeputyFactory(congress=city, term=term, name="=cmd|' /C calc'!A0", employer="+1 某公司")
    names, page = listed(staff_client, grassroots="yes")
    assert len(names) == 50 and page.context["page"].paginator.count == 60
    assert len(listed(staff_client, grassroots="yes", page=2)[0]) == 10
    response = staff_client.get(reverse("archive:archive_list_export"), {"grassroots": "yes"})
    rows = list(workbook(response).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == zh("Name") and len(rows) == 1 + 60
    assert all("****" in r[5] for r in rows[1:])  # masked mobile only
    response = staff_client.get(reverse("archive:archive_list_export"), {"q": "cmd"})
    sheet = workbook(response).worksheets[0]
    name_cell = sheet.cell(row=2, column=1)
    assert name_cell.data_type == "s" and name_cell.value.startswith("=")
    assert sheet.cell(row=2, column=5).data_type == "s"


@pytest.mark.django_db
def test_district_staff_see_only_their_congress(client, district_staff, district, roster):
    own = factories.DeputyFactory(congress=district, name="区代表")
    client.force_login(district_staff)
    assert listed(client)[0] == [own.name]


# --- query counts: the same for 2 rows as for 50 ----------------------------------------------------------------

# Measured. The deputy's page: session, user, the user's mandates, the summary (one grouped
# query), the timeline, letters, duty reports, supervisor posts, SC seats, groups, the unread
# count. Staff: the TOTP check, the deputy, the role groups and the congress scope (2) instead
# of the mandates. The list: session, user, TOTP, roles, scope (2), congresses, count, page,
# electoral units for the filter, unread count. None of them depends on the number of rows.
# Both archive pages also read the suggestions section: items led, co-signed, ratings given (3),
# the livelihood section (groups and inspections, observations, ratings) and the study section
# (trainings and briefings attended, materials read, data requests).
ARCHIVE_PAGE_QUERIES = 22  # + the header navigation (role groups)
STAFF_ARCHIVE_PAGE_QUERIES = 25
STAFF_LIST_QUERIES = 11  # count, the page from the summaries, the header


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 50])
def test_the_archive_page_query_count_does_not_grow_with_activities(
    deputy_client, deputy, staff, unit_officer, city, term, n, django_assert_max_num_queries
):
    history(deputy.mandate, staff, n)
    for i in range(n):
        DeputyLetter.objects.create(
            deputy=deputy.mandate,
            subject=f"来信{i}",
            content="…",
            received_on=today(),
            body=unit_officer.unit,
            status=DeputyLetter.Status.REPLIED,
            reply="已办理",
            replied_on=today(),
        )
    factories.DeputyGroupFactory(congress=city, term=term).members.add(deputy.mandate)
    with django_assert_max_num_queries(ARCHIVE_PAGE_QUERIES) as captured:
        page = deputy_client.get(reverse("archive:my_archive"))
    assert page.status_code == 200 and len(page.context["timeline"]) == n
    print(f"archive page, {n} activities: {len(captured.captured_queries)} queries")


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 50])
def test_the_staff_archive_page_query_count_does_not_grow(
    staff_client, staff, city, term, n, django_assert_max_num_queries
):
    (d,) = serving_deputies(1, city=city, term=term)
    history(d, staff, n)
    with django_assert_max_num_queries(STAFF_ARCHIVE_PAGE_QUERIES) as captured:
        page = staff_client.get(reverse("archive:archive_detail", args=[d.pk]))
    assert page.status_code == 200 and len(page.context["timeline"]) == n
    print(f"staff archive page, {n} activities: {len(captured.captured_queries)} queries")


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 50])
def test_the_staff_list_query_count_does_not_grow_with_deputies(
    staff_client, staff, city, term, n, django_assert_num_queries
):
    deputies = serving_deputies(n, city=city, term=term)
    for d in deputies:
        history(d, staff, 2)
    with django_assert_num_queries(STAFF_LIST_QUERIES) as captured:
        page = staff_client.get(reverse("archive:archive_list"))
    assert page.status_code == 200 and len(page.context["page"].object_list) == n
    print(f"staff list, {n} deputies: {len(captured.captured_queries)} queries")


@pytest.mark.django_db
def test_a_bad_filter_value_drops_only_that_filter(staff_client, roster):
    names, page = listed(staff_client, year="1900", grassroots="no")
    assert names == ["丙代表"] and page.context["year"] == YEAR
