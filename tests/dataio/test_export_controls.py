"""Bulk exports of personal data: the permission, the audit row, the size limit and the
second person's approval (used once, expiring), scoped to the staff member's congresses."""

import csv
import datetime
import io
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation

from accounts import roles
from accounts.models import SecurityEvent, User
from dataio.exporting import ExportRefused
from dataio.models import ExportApproval
from deputies.models import Deputy
from deputies.resources import DeputyResource
from tests import factories
from tests.conftest import with_totp

EXPORT_URL = "/admin/deputies/deputy/export/"
REQUESTS_URL = "/admin/dataio/exportapproval/"
PERSONAL_HEADERS = {"Mobile number", "ID number", "Address", "E-mail"}


@pytest.fixture(autouse=True)
def _small_limit(settings, client):
    settings.EXPORT_PERSONAL_MAX_ROWS = 3
    settings.EXPORT_APPROVAL_HOURS = 24
    # Column labels in English; the tests of the Chinese messages switch to zh-hans.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def zh_catalogue(settings, tmp_path):
    """The Chinese catalogue with every locale fragment, as the lead compiles it."""
    root = Path(settings.BASE_DIR)
    po = polib.pofile(str(root / "locale/zh_Hans/LC_MESSAGES/django.po"))
    known = {entry.msgid for entry in po}
    for fragment in sorted((root / "locale/fragments").glob("*.tsv")):
        for line in fragment.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                en, zh = (part.replace("\\n", "\n") for part in line.split("\t", 1))
                if en not in known:
                    po.append(polib.POEntry(msgid=en, msgstr=zh))
                    known.add(en)
    target = tmp_path / "locale/zh_Hans/LC_MESSAGES"
    target.mkdir(parents=True)
    po.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    yield
    translation.trans_real._translations = {}


def grant(user, *codenames) -> User:
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="dataio", codename__in=codenames))
    return User.objects.get(pk=user.pk)  # drop the permission cache


def without_export_permissions(user) -> User:
    """The staff group as it may be configured: without the dataio permissions."""
    Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]).permissions.remove(
        *Permission.objects.filter(content_type__app_label="dataio")
    )
    return User.objects.get(pk=user.pk)


def export_form(fmt="1") -> dict:
    return {
        "format": fmt,
        "resource": "0",
        **{f"deputyresource_{n}": "on" for n in DeputyResource().get_export_order()},
    }


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def is_download(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


@pytest.fixture
def deputies(term, electoral_unit):
    def make(n):
        return [
            factories.DeputyFactory(
                congress=term.congress,
                term=term,
                electoral_unit=electoral_unit,
                address="示例市玄武区中山路1号",
                email=f"d{i}@example.org",
            )
            for i in range(n)
        ]

    return make


@pytest.fixture
def exporter(staff):
    return grant(without_export_permissions(staff), "export_personal_data")


@pytest.fixture
def approver(city):
    user = with_totp(factories.StaffFactory(congress=city, full_name="工作人员乙"))
    return grant(user, "approve_personal_export")


def approve_in_admin(client, user, approval):
    client.force_login(user)
    return client.post(REQUESTS_URL, {"action": "approve", "_selected_action": [approval.pk]}, follow=True)


# --- 1. the permission ---


def test_without_the_permission_personal_columns_are_left_out(client, staff, deputies, zh_catalogue):
    deputies(2)
    staff = without_export_permissions(staff)
    client.force_login(staff)
    response = client.post(EXPORT_URL, export_form())
    assert is_download(response)
    header = rows_of(response)[0]
    assert "Full name" in header and not PERSONAL_HEADERS & set(header)
    assert "13800" not in response.content.decode("utf-8-sig")
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_PERSONAL).exists()
    # The export page says so, in Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(EXPORT_URL).content.decode()
    assert "你没有导出个人信息的权限，导出文件不含以下列" in page


def test_without_the_permission_a_large_export_is_not_limited(client, staff, deputies):
    deputies(5)
    client.force_login(without_export_permissions(staff))
    response = client.post(EXPORT_URL, export_form())
    assert is_download(response) and len(rows_of(response)) == 6


def test_superuser_has_the_permission_implicitly(city, deputies):
    deputies(1)
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    header = DeputyResource(user=admin).export(queryset=None).headers
    assert PERSONAL_HEADERS <= set(header)


# --- 2. the audit row ---


def test_with_the_permission_under_the_limit_personal_columns_and_an_audit_row(client, exporter, deputies):
    made = deputies(3)
    client.force_login(exporter)
    response = client.post(EXPORT_URL, export_form())
    assert is_download(response)
    rows = rows_of(response)
    assert PERSONAL_HEADERS <= set(rows[0]) and len(rows) == 4
    assert made[0].mobile in response.content.decode("utf-8-sig")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT_PERSONAL)
    assert event.actor == exporter
    assert (event.detail["rows"], event.detail["model"], event.detail["format"]) == (3, "deputies.Deputy", "csv")
    assert set(event.detail["columns"]) == {"mobile", "id_number", "address", "email"}
    # Never the data itself.
    assert made[0].mobile not in str(event.detail) and "example.org" not in str(event.detail)


def test_an_export_of_non_personal_columns_is_neither_audited_nor_limited(client, exporter, deputies):
    deputies(5)
    client.force_login(exporter)
    form = {"format": "1", "resource": "0", "deputyresource_name": "on", "deputyresource_gender": "on"}
    response = client.post(EXPORT_URL, form)
    assert is_download(response) and len(rows_of(response)) == 6
    assert not SecurityEvent.objects.filter(
        kind__in=[SecurityEvent.Kind.EXPORT_PERSONAL, SecurityEvent.Kind.EXPORT_REFUSED]
    ).exists()


# --- 3. the size limit ---


def test_over_the_limit_is_refused_with_a_message_and_nothing_downloaded(client, exporter, deputies, zh_catalogue):
    deputies(4)
    client.force_login(exporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(EXPORT_URL, export_form())
    assert response.status_code == 200 and not is_download(response)
    page = response.content.decode()
    assert "本次导出含 4 行个人信息，未经批准最多只能导出 3 行，因此没有导出任何数据" in page
    assert "13800" not in page
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT_REFUSED)
    assert (event.actor, event.detail["rows"], event.detail["limit"], event.detail["model"]) == (
        exporter,
        4,
        3,
        "deputies.Deputy",
    )
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_PERSONAL).exists()


def test_the_resource_itself_refuses_over_the_limit(exporter, deputies):
    deputies(4)
    with pytest.raises(ExportRefused):
        DeputyResource(user=exporter).export(queryset=Deputy.objects.all())
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_REFUSED).count() == 1


def test_request_self_approval_other_approves_used_once(client, exporter, approver, deputies):
    deputies(4)
    exporter = grant(exporter, "approve_personal_export")  # holding it does not let one approve oneself
    client.force_login(exporter)

    # A request needs a reason.
    response = client.post(EXPORT_URL, {"_request_export_approval": "1", "reason": " "})
    assert response.status_code == 200 and not ExportApproval.objects.exists()

    response = client.post(EXPORT_URL, {"_request_export_approval": "1", "reason": "换届选举材料"})
    assert response.status_code == 302
    approval = ExportApproval.objects.get()
    assert (approval.requester, approval.model, approval.row_count, approval.reason) == (
        exporter,
        "deputies.Deputy",
        4,
        "换届选举材料",
    )
    assert approval.approved_at is None

    # Still refused before anyone approves.
    assert not is_download(client.post(EXPORT_URL, export_form()))

    # Approving one's own request is refused.
    approve_in_admin(client, exporter, approval)
    approval.refresh_from_db()
    assert approval.approved_by is None
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_APPROVED).exists()

    # Another member of staff approves.
    approve_in_admin(client, approver, approval)
    approval.refresh_from_db()
    assert approval.approved_by == approver and approval.expires_at > timezone.now()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT_APPROVED)
    assert (event.actor, event.target_user, event.detail["request_id"]) == (approver, exporter, approval.pk)

    # The requester runs the same export and gets the file, once.
    client.force_login(exporter)
    response = client.post(EXPORT_URL, export_form())
    assert is_download(response) and len(rows_of(response)) == 5
    approval.refresh_from_db()
    assert approval.used_at is not None
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT_PERSONAL)
    assert (event.detail["rows"], event.detail["approval"]) == (4, approval.pk)

    response = client.post(EXPORT_URL, export_form())
    assert not is_download(response)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_REFUSED).count() == 2


def test_an_approval_covers_only_its_list_and_requester(client, exporter, approver, deputies):
    deputies(4)
    approval = ExportApproval.objects.create(
        requester=exporter, model="deputies.Deputy", query="", row_count=4, reason="x"
    )
    approve_in_admin(client, approver, approval)
    # The approver cannot use it.
    client.force_login(grant(approver, "export_personal_data"))
    assert not is_download(client.post(EXPORT_URL, export_form()))
    # Another filter is another list.
    client.force_login(exporter)
    assert not is_download(client.post(f"{EXPORT_URL}?gender__exact={Deputy.Gender.FEMALE.value}", export_form()))
    # More rows than approved are refused.
    deputies(1)
    assert not is_download(client.post(EXPORT_URL, export_form()))
    approval.refresh_from_db()
    assert approval.used_at is None


def test_an_approval_expires(client, exporter, approver, deputies):
    deputies(4)
    approval = ExportApproval.objects.create(
        requester=exporter, model="deputies.Deputy", query="", row_count=4, reason="x"
    )
    approve_in_admin(client, approver, approval)
    ExportApproval.objects.filter(pk=approval.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(exporter)
    assert not is_download(client.post(EXPORT_URL, export_form()))
    approval.refresh_from_db()
    assert approval.used_at is None


# --- 4. the admin of requests ---


def test_requests_are_scoped_and_read_only(client, exporter, approver, district):
    city_request = ExportApproval.objects.create(
        requester=exporter, model="deputies.Deputy", query="", row_count=900, reason="市"
    )
    district_requester = grant(
        with_totp(factories.StaffFactory(congress=district, full_name="区甲")), "export_personal_data"
    )
    district_request = ExportApproval.objects.create(
        requester=district_requester, model="deputies.Deputy", query="", row_count=900, reason="区"
    )
    district_approver = grant(
        with_totp(factories.StaffFactory(congress=district, full_name="区乙")), "approve_personal_export"
    )
    client.force_login(district_approver)
    page = client.get(REQUESTS_URL)
    assert page.status_code == 200
    ids = [obj.pk for obj in page.context["cl"].result_list]
    assert ids == [district_request.pk]
    assert client.get(f"{REQUESTS_URL}{city_request.pk}/change/").status_code == 302  # not found for them
    # Selecting a city request by its id approves nothing.
    client.post(REQUESTS_URL, {"action": "approve", "_selected_action": [city_request.pk]})
    city_request.refresh_from_db()
    assert city_request.approved_at is None
    # Read-only: no adding, no changing, no deleting.
    assert client.get(f"{REQUESTS_URL}add/").status_code == 403
    change = client.post(f"{REQUESTS_URL}{district_request.pk}/change/", {"reason": "改"})
    assert change.status_code == 403
    district_request.refresh_from_db()
    assert district_request.reason == "区"
    assert client.post(f"{REQUESTS_URL}{district_request.pk}/delete/").status_code == 403
    # The approve action works on their own congress's request.
    client.post(REQUESTS_URL, {"action": "approve", "_selected_action": [district_request.pk]})
    district_request.refresh_from_db()
    assert district_request.approved_by == district_approver

    # City staff with the permission see both.
    client.force_login(approver)
    assert {o.pk for o in client.get(REQUESTS_URL).context["cl"].result_list} == {city_request.pk, district_request.pk}
    # A requester who may not approve sees only their own.
    client.force_login(district_requester)
    assert [o.pk for o in client.get(REQUESTS_URL).context["cl"].result_list] == [district_request.pk]
