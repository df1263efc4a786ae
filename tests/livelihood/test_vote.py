"""代表定: recording the vote (typed in or imported from the voting system's Excel/CSV, with a
preview; a bad row names its row and nothing is written), its refusals, and the results page."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.exceptions import InvalidTransition, NotAllowed
from livelihood import services
from livelihood.models import Cycle, Project

from . import builders as lb

pytestmark = pytest.mark.django_db
P = Project.Status
GOOD = {1: (80, 10, 5), 2: (70, 20, 5), 3: (40, 40, 10)}


def _statuses(c):
    return list(c.projects.order_by("number").values_list("status", flat=True))


def test_the_vote_elects_by_majority_of_all_deputies_up_to_the_seats(staff, city):
    c = lb.screening(staff, city, seats=2)
    outcomes = services.vote_record(actor=staff, cycle=c, deputies_total=100, results=GOOD, held_on=lb.today())
    c.refresh_from_db()
    assert c.status == Cycle.Status.VOTED and c.deputies_total == 100
    assert _statuses(c) == [P.ELECTED, P.ELECTED, P.NOT_ELECTED]
    assert outcomes[3] == Project.Outcome.SHORT
    first = c.projects.get(number=1)
    assert (first.votes_for, first.votes_against, first.votes_abstain) == (80, 10, 5)
    assert first.events.get().action == "elect"


def test_the_wrong_actor_records_nothing(staff, district_staff, deputy, city):
    c = lb.screening(staff, city)
    for actor in (deputy, district_staff):
        with pytest.raises(NotAllowed):
            services.vote_record(actor=actor, cycle=c, deputies_total=100, results=GOOD, held_on=lb.today())
    c.refresh_from_db()
    assert c.status == Cycle.Status.SCREENING and _statuses(c) == [P.CANDIDATE] * 3


def test_no_vote_while_collecting_nor_twice(staff, city):
    c = lb.cycle(staff, city)
    with pytest.raises(InvalidTransition):
        services.vote_record(actor=staff, cycle=c, deputies_total=100, results={}, held_on=lb.today())
    c = lb.voted(staff, city, year=2028)
    with pytest.raises(InvalidTransition):
        services.vote_record(actor=staff, cycle=c, deputies_total=100, results=GOOD, held_on=lb.today())


@pytest.mark.parametrize(
    ("total", "results", "key"),
    [
        (100, {1: (80, 10, 5), 2: (70, 20, 5)}, "3"),  # a candidate without result
        (100, {1: (80, 10, 15), 2: (70, 20, 5), 3: (40, 40, 10)}, "1"),  # more votes than deputies
        (100, {1: (80, 10, 5), 2: (70, 20, 5), 3: (40, 40, 10), 9: (1, 1, 1)}, "9"),  # not on the list
        (0, GOOD, "deputies_total"),
    ],
)
def test_bad_results_are_refused_and_nothing_written(staff, city, total, results, key):
    c = lb.screening(staff, city)
    with pytest.raises(ValidationError) as exc:
        services.vote_record(actor=staff, cycle=c, deputies_total=total, results=results, held_on=lb.today())
    assert key in exc.value.message_dict
    c.refresh_from_db()
    assert c.status == Cycle.Status.SCREENING and _statuses(c) == [P.CANDIDATE] * 3


def test_the_vote_needs_more_candidates_than_seats(staff, city):
    c = lb.screening(staff, city, seats=3, candidates=3)
    with pytest.raises(ValidationError) as exc:
        services.vote_record(actor=staff, cycle=c, deputies_total=100, results=GOOD, held_on=lb.today())
    assert "差额" in str(exc.value)


# --- The import -------------------------------------------------------------------------------


def _csv(rows, header="编号,项目,赞成,反对,弃权"):
    text = header + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows)
    return SimpleUploadedFile("results.csv", text.encode("utf-8-sig"), content_type="text/csv")


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "项目", "赞成", "反对", "弃权"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("results.xlsx", out.getvalue())


def _preview(client, c, upload, total=100):
    return client.post(
        reverse("livelihood_office:vote", args=[c.pk]),
        {"step": "preview", "deputies_total": total, "held_on": "2027-01-10", "file": upload},
    )


def test_an_imported_file_is_previewed_then_recorded_on_confirmation(staff_client, staff, city):
    c = lb.screening(staff, city)
    response = _preview(
        staff_client, c, _xlsx([(1, "第1类项目", 80, 10, 5), (2, "第2类项目", 70, 20, 5), (3, "", 40, 40, 10)])
    )
    html = response.content.decode()
    assert response.status_code == 200 and "保存这些结果" in html
    c.refresh_from_db()
    assert c.status == Cycle.Status.SCREENING  # nothing written by the preview
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    url = reverse("livelihood_office:vote", args=[c.pk])
    unconfirmed = staff_client.post(url, {"step": "confirm", "token": token})
    assert unconfirmed.status_code == 200 and "请勾选确认" in unconfirmed.content.decode()
    c.refresh_from_db()
    assert c.status == Cycle.Status.SCREENING
    assert staff_client.post(url, {"step": "confirm", "token": token, "confirm": "on"}).status_code == 302
    c.refresh_from_db()
    assert c.status == Cycle.Status.VOTED and _statuses(c) == [P.ELECTED, P.ELECTED, P.NOT_ELECTED]


def test_a_bad_row_is_named_and_nothing_is_written(staff_client, staff, city):
    c = lb.screening(staff, city)
    rows = [(1, "第1类项目", 80, 10, 5), (2, "第2类项目", "七十", 20, 5), (3, "别的项目", 40, 40, 10), (7, "", 1, 1, 1)]
    html = _preview(staff_client, c, _csv(rows)).content.decode()
    assert "第 3 行：票数须为大于或等于零的整数。" in html
    assert "第 4 行：序号 3 在候选名单中是“第3类项目”，不是“别的项目”。" in html
    assert "第 5 行：候选名单中没有序号为 7 的项目。" in html
    assert 'name="token"' not in html
    c.refresh_from_db()
    assert c.status == Cycle.Status.SCREENING and _statuses(c) == [P.CANDIDATE] * 3


def test_more_votes_than_deputies_and_a_duplicate_row_are_named(staff_client, staff, city):
    c = lb.screening(staff, city)
    rows = [(1, "", 80, 10, 15), (2, "", 70, 20, 5), (2, "", 70, 20, 5)]
    html = _preview(staff_client, c, _csv(rows)).content.decode()
    assert "第 2 行：赞成、反对、弃权合计 105 票，超过代表总数 100。" in html
    assert "第 4 行：序号 2 重复出现（首次在第 3 行）。" in html


def test_a_missing_column_or_a_file_that_is_not_a_table_is_refused(staff_client, staff, city):
    c = lb.screening(staff, city)
    html = _preview(staff_client, c, _csv([(1, 80, 10)], header="编号,赞成,反对")).content.decode()
    assert "缺少列：弃权" in html
    junk = SimpleUploadedFile("results.xlsx", b"PK\x03\x04 not really a workbook")
    assert "无法读取该 Excel 文件。" in _preview(staff_client, c, junk).content.decode()
    c.refresh_from_db()
    assert c.status == Cycle.Status.SCREENING


def test_the_typed_in_results_need_confirmation_and_keep_what_was_typed(staff_client, staff, city):
    c = lb.screening(staff, city)
    url = reverse("livelihood_office:vote", args=[c.pk])
    data = {"step": "entry", "entry-deputies_total": 100, "entry-held_on": "2027-01-10"}
    for n, (f, a, b) in GOOD.items():
        data.update({f"entry-p{n}_for": f, f"entry-p{n}_against": a, f"entry-p{n}_abstain": b})
    data["entry-p1_abstain"] = 15  # 105 votes of 100 deputies
    response = staff_client.post(url, {**data, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "超过代表总数 100" in html and 'value="15"' in html
    c.refresh_from_db()
    assert c.status == Cycle.Status.SCREENING
    data["entry-p1_abstain"] = 5
    assert "请勾选确认" in staff_client.post(url, data).content.decode()
    assert staff_client.post(url, {**data, "confirm": "on"}).status_code == 302
    c.refresh_from_db()
    assert c.status == Cycle.Status.VOTED


def test_the_public_results_page_explains_the_rule(client, staff, city):
    c = lb.voted(staff, city, votes={1: (80, 10, 5), 2: (70, 20, 5), 3: (40, 40, 10)})
    html = client.get(reverse("livelihood:year", args=[c.year])).content.decode()
    assert "全体代表（不是出席代表）过半数" in html
    assert "未当选：赞成票未超过全体代表的半数" in html and "反对票少者当选" in html


def test_the_office_pages_are_for_staff_of_the_congress(client, deputy, district_staff, staff, city):
    c = lb.screening(staff, city)
    client.force_login(deputy)
    assert client.get(reverse("livelihood_office:vote", args=[c.pk])).status_code == 403
    client.force_login(district_staff)
    assert client.get(reverse("livelihood_office:vote", args=[c.pk])).status_code == 404
    assert client.get(reverse("livelihood_office:cycle", args=[c.pk])).status_code == 404
