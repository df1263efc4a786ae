"""Every model on the admin site, walked as each role: what the expectation table says the role
may do (list, view one, add, change, delete) is what the real HTTP answers allow, and nothing of
another congress is reached: not its change, history or delete page, not a POST delete, not the
changelist, search, list filters, autocomplete or the index's recent actions.

The table must hold a row for every registered model: registering a model without deciding who
may touch it fails here first.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts import roles
from tests import builders, factories
from tests.conftest import with_totp

# Roles walked. "district" is staff of the 玄武区 congress, "city" staff of the city congress;
# the system administrator and the security auditor hold only their own group.
ROLES = ["district", "city", "city_admin", "auditor", "superuser"]

# model label -> {role: capabilities}; l = list, v = view one, a = add, c = change, d = delete.
# "staff" stands for both office roles (district and city); a role not named may do nothing.
STAFF_ALL = {"staff": "lvacd", "superuser": "lvacd"}
CITY_SETTING = {"city_admin": "lvacd", "superuser": "lvacd"}
SUPERUSER_ONLY = {"superuser": "lvacd"}
MATRIX = {
    # Django's own and third-party models: only a superuser grants groups or touches logins.
    "auth.Group": SUPERUSER_ONLY,
    "account.EmailAddress": SUPERUSER_ONLY,
    "mfa.Authenticator": SUPERUSER_ONLY,
    # City-wide settings: the system administrator's.
    "django_celery_beat.PeriodicTask": CITY_SETTING,
    "django_celery_beat.ClockedSchedule": CITY_SETTING,
    "django_celery_beat.CrontabSchedule": CITY_SETTING,
    "django_celery_beat.SolarSchedule": CITY_SETTING,
    "django_celery_beat.IntervalSchedule": CITY_SETTING,
    "core.HolidayOverride": CITY_SETTING,
    "proposals.ReplyCategory": CITY_SETTING,
    "notifications.Notification": {"city_admin": "lvd", "superuser": "lvd"},
    # Requests to export personal data: read by the offices (who export and approve, each in
    # their congresses), approved by an action, never edited; not the system administrator's.
    "dataio.ExportApproval": {"staff": "lv", "superuser": "lv"},
    # The security log: read by the auditor (and superusers); written by nobody.
    "accounts.SecurityEvent": {"auditor": "lv", "superuser": "lv"},
    # Business data, each office within its congresses.
    "accounts.Unit": STAFF_ALL,
    "accounts.User": STAFF_ALL,
    "deputies.Congress": {"staff": "lvc", "superuser": "lvacd"},
    "deputies.Term": STAFF_ALL,
    "deputies.CongressSession": STAFF_ALL,
    "deputies.ElectoralUnit": STAFF_ALL,
    "deputies.DeputyGroup": STAFF_ALL,
    "deputies.Deputy": STAFF_ALL,
    "deputies.StandingCommitteeMember": STAFF_ALL,
    "deputies.StatusChange": {"staff": "lva", "superuser": "lva"},
    "deputies.Vacancy": {"staff": "lv", "superuser": "lv"},
    "deputies.ByElection": {"staff": "lvcd", "superuser": "lvcd"},
    "deputies.CredentialsReview": STAFF_ALL,
    "deputies.PerformanceAssistant": STAFF_ALL,
    "activities.Activity": STAFF_ALL,
    "activities.DutyReport": STAFF_ALL,
    "activities.SpecialSupervisor": STAFF_ALL,
    "activities.DeputyLetter": STAFF_ALL,
    "activities.GroupActivityPlan": STAFF_ALL,
    # The subject fields serve every congress: the city office keeps the list.
    "proposals.Field": {"district": "lv", "city": "lvacd", "superuser": "lvacd"},
    "proposals.TopicGuide": STAFF_ALL,
    "proposals.Suggestion": {"staff": "lvc", "superuser": "lvc"},
    "proposals.Attachment": {"staff": "lvd", "superuser": "lvd"},
    "proposals.Assignment": {"staff": "lv", "superuser": "lv"},
    "proposals.Reply": {"staff": "lv", "superuser": "lv"},
    "proposals.ReplyCoSignature": {"staff": "lv", "superuser": "lv"},
    "proposals.Rating": {"staff": "lv", "superuser": "lv"},
    "proposals.Commitment": {"staff": "lv", "superuser": "lv"},
    "proposals.ContactLog": {"staff": "lv", "superuser": "lv"},
    "proposals.AssistingView": {"staff": "lv", "superuser": "lv"},
    "proposals.Extension": {"staff": "lv", "superuser": "lv"},
    "proposals.UrgingNotice": {"staff": "lv", "superuser": "lv"},
    "proposals.KeySupervisionInstruction": {"staff": "lv", "superuser": "lv"},
    "proposals.KeySupervision": {"staff": "lvcd", "superuser": "lvcd"},
    "proposals.ThirdPartyEvaluation": STAFF_ALL,
    "proposals.Award": {"staff": "lvc", "superuser": "lvc"},
    "proposals.DocumentTemplate": STAFF_ALL,
    # Liaison stations: duties are written through the services and never deleted; the
    # public's opinions are handled on the office pages, read-only here.
    "liaison.Station": STAFF_ALL,
    "liaison.Duty": {"staff": "lvac", "superuser": "lvac"},
    "liaison.Opinion": {"staff": "lv", "superuser": "lv"},
    "liaison.Committee": STAFF_ALL,
    "liaison.ContactAssignment": {"staff": "lvad", "superuser": "lvad"},
    "liaison.ContactRecord": {"staff": "lv", "superuser": "lv"},
    "liaison.ReceptionDay": {"staff": "lva", "superuser": "lva"},
    "liaison.Topic": {"staff": "lvac", "superuser": "lvac"},
}

# Apps that keep their rows of the table and their row builders beside their own tests, in
# ``tests/<app>/admin_matrix.py``: ``MATRIX`` (label -> capabilities, as above) and
# ``rows(congress, deputy, tag) -> {label: row}``.
MATRIX_APPS = ("livelihood", "training", "publicity")


def _app_matrices():
    import importlib

    for app in MATRIX_APPS:
        try:
            yield importlib.import_module(f"tests.{app}.admin_matrix")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{app}.admin_matrix":
                raise


for _module in _app_matrices():
    MATRIX.update(_module.MATRIX)


REFUSED = (302, 403, 404)


def caps(label, role):
    row = MATRIX[label]
    if role in row:
        return row[role]
    return row.get("staff", "") if role in ("district", "city") else ""


def registered():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


# --- The world: two congresses, one row of every model in each ------------------------------------


def _holding(user, code, *, only=False):
    if only:
        user.groups.clear()
    user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[code]))
    return user


def _congress_rows(congress, staff, tag):
    """One row of every congress-scoped model for ``congress``; ``staff`` is its office."""
    from django.core.files.base import ContentFile

    from activities.models import DeputyLetter, DutyReport, GroupActivityPlan, SpecialSupervisor
    from dataio.models import ExportApproval
    from deputies.models import (
        ByElection,
        CredentialsReview,
        PerformanceAssistant,
        StandingCommitteeMember,
        StatusChange,
        Vacancy,
    )
    from proposals.models import (
        AssistingView,
        Attachment,
        Award,
        Commitment,
        ContactLog,
        DocumentTemplate,
        Extension,
        KeySupervision,
        KeySupervisionInstruction,
        Rating,
        ReplyCoSignature,
        ThirdPartyEvaluation,
        UrgingNotice,
    )

    day = datetime.date(2025, 3, 1)
    term = factories.TermFactory(congress=congress)
    session = factories.SessionFactory(term=term, name=f"{tag}十七届人大三次会议")
    electoral_unit = factories.ElectoralUnitFactory(congress=congress, name=f"{tag}选举单位")
    unit = factories.UnitFactory(congress=congress, name=f"{tag}交通运输局")
    officer = builders.officer_of(unit, f"{tag}承办人")
    author = builders.make_deputy_user(congress, term, f"{tag}代表", electoral_unit)
    deputy = author.mandate
    leaver = factories.DeputyFactory(congress=congress, term=term, electoral_unit=electoral_unit, name=f"{tag}离任代表")
    group = factories.DeputyGroupFactory(congress=congress, term=term, name=f"{tag}代表小组")
    group.members.add(deputy)
    seat = StandingCommitteeMember.objects.create(term=term, deputy=deputy, start_date=day)
    review = CredentialsReview.objects.create(term=term, title=f"{tag}代表资格审查报告", meeting_date=day)
    suggestion, assignment, reply = builders.replied(author, staff, officer, code="B", title=f"关于{tag}停车难的建议")
    supervision = KeySupervision.objects.create(
        suggestion=suggestion,
        year=2025,
        sc_leader=seat,
        government_leader="副市长",
        committee="城建委",
        selected_on=day,
    )
    rows = {
        "accounts.Unit": unit,
        "accounts.User": factories.UserFactory(full_name=f"{tag}联系人", congress=congress),
        "deputies.Congress": congress,
        "deputies.Term": term,
        "deputies.CongressSession": session,
        "deputies.ElectoralUnit": electoral_unit,
        "deputies.DeputyGroup": group,
        "deputies.Deputy": deputy,
        "deputies.StandingCommitteeMember": seat,
        "deputies.StatusChange": StatusChange.objects.create(
            deputy=leaver, kind="suspend", from_status="serving", to_status="suspended", effective_date=day
        ),
        "deputies.Vacancy": Vacancy.objects.create(
            electoral_unit=electoral_unit, term=term, vacated_by=leaver, opened_on=day
        ),
        "deputies.ByElection": ByElection.objects.create(
            electoral_unit=electoral_unit, term=term, held_on=day, held_by=f"{tag}人大常委会"
        ),
        "deputies.CredentialsReview": review,
        "deputies.PerformanceAssistant": PerformanceAssistant.objects.create(
            deputy=deputy, name=f"{tag}助理", start_date=day
        ),
        "activities.Activity": factories.ActivityFactory(congress=congress, recorder=staff, title=f"{tag}集中视察"),
        "activities.DutyReport": DutyReport.objects.create(deputy=deputy, scheduled_on=day),
        "activities.SpecialSupervisor": SpecialSupervisor.objects.create(deputy=deputy, body=unit, start_date=day),
        "activities.DeputyLetter": DeputyLetter.objects.create(
            deputy=deputy, subject=f"{tag}来信", content="来信内容", received_on=day
        ),
        "activities.GroupActivityPlan": GroupActivityPlan.objects.create(group=group, year=2025, content="计划"),
        "proposals.TopicGuide": builders.published_guide(congress, title=f"{tag}选题指引"),
        "proposals.Suggestion": suggestion,
        "proposals.Attachment": Attachment.objects.create(
            suggestion=suggestion,
            file=f"attachments/{tag}.pdf",
            token=f"token-{congress.pk}",
            extension="pdf",
            original_name=f"{tag}答复函.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=author,
        ),
        "proposals.Assignment": assignment,
        "proposals.Reply": reply,
        "proposals.ReplyCoSignature": ReplyCoSignature.objects.create(reply=reply, assignment=assignment),
        "proposals.Rating": builders.rate(author, reply) or Rating.objects.get(reply=reply),
        "proposals.Commitment": Commitment.objects.filter(reply=reply).first(),
        "proposals.ContactLog": ContactLog.objects.create(
            assignment=assignment, stage="before", method="phone", contacted_on=day, note="电话", recorded_by=staff
        ),
        "proposals.AssistingView": AssistingView.objects.create(assignment=assignment, text="协办意见", sent_by=staff),
        "proposals.Extension": Extension.objects.create(
            assignment=assignment, reason="需要协调", requested_until=day, old_deadline=day, requested_by=staff
        ),
        "proposals.UrgingNotice": UrgingNotice.objects.create(
            assignment=assignment, text="催办通知", sent_by=staff, deadline_then=day
        ),
        "proposals.KeySupervision": supervision,
        "proposals.KeySupervisionInstruction": KeySupervisionInstruction.objects.create(
            supervision=supervision, text="请加快办理", given_by=staff
        ),
        "proposals.ThirdPartyEvaluation": ThirdPartyEvaluation.objects.create(
            reply=reply, evaluator="评估机构", evaluated_on=day, conclusion="良好"
        ),
        "dataio.ExportApproval": ExportApproval.objects.create(
            requester=staff, model="deputies.deputy", row_count=1, reason=f"{tag}换届统计"
        ),
        "proposals.Award": Award.objects.create(congress=congress, year=2025, kind="suggestion", suggestion=suggestion),
        "proposals.DocumentTemplate": DocumentTemplate.objects.create(
            congress=congress,
            kind="assignment_letter",
            file=ContentFile(builders.docx_bytes(), name=f"{tag}交办函模板.docx"),
            uploaded_by=staff,
            note=f"{tag}交办函模板",
        ),
    }
    rows.update(_liaison_rows(congress, deputy, tag))
    for module in _app_matrices():
        rows.update(module.rows(congress, deputy, tag))
    assert all(rows.values()), [label for label, row in rows.items() if row is None]
    return rows


def _liaison_rows(congress, deputy, tag):
    from django.apps import apps

    if not apps.is_installed("liaison"):
        return {}
    from activities.models import Activity
    from deputies.models import StandingCommitteeMember
    from liaison.models import Committee, ContactAssignment, ContactRecord, Duty, Opinion, ReceptionDay, Station, Topic

    station = Station.objects.create(congress=congress, district=tag, name=f"{tag}代表联络站", address=f"{tag}路1号")
    return {
        "liaison.Station": station,
        "liaison.Duty": Duty.objects.create(
            station=station,
            deputy=deputy,
            date=datetime.date(2025, 3, 3),
            start_time=datetime.time(9),
            end_time=datetime.time(11),
        ),
        "liaison.Opinion": Opinion.objects.create(
            station=station,
            text=f"{tag}路灯坏了",
            status=Opinion.Status.RECEIVED,
            token_hash=f"matrix-{congress.pk}",
        ),
        **_two_connections_rows(
            congress,
            deputy,
            tag,
            Activity,
            StandingCommitteeMember,
            Committee,
            ContactAssignment,
            ContactRecord,
            ReceptionDay,
            Topic,
        ),
    }


def _two_connections_rows(
    congress,
    deputy,
    tag,
    Activity,
    StandingCommitteeMember,
    Committee,
    ContactAssignment,
    ContactRecord,
    ReceptionDay,
    Topic,
):
    day = datetime.date(2025, 3, 3)
    leader_deputy = factories.DeputyFactory(congress=congress, term=deputy.term, name=f"{tag}主任")
    seat = StandingCommitteeMember.objects.create(
        term=deputy.term, deputy=leader_deputy, position="deputy_director", start_date=deputy.term.start_date
    )
    committee = Committee.objects.create(congress=congress, name=f"{tag}法制委员会")
    committee.liaison_deputies.add(deputy)
    staff_user = factories.StaffFactory(congress=congress)
    meeting = Activity.objects.create(
        congress=congress,
        kind="sc_meeting",
        title=f"{tag}常委会会议",
        start_date=day,
        end_date=day,
        organiser="办公厅",
        recorder=staff_user,
        created_by=staff_user,
    )
    reception = ReceptionDay.objects.create(congress=congress, date=day, leader=seat, raised="意见")
    reception.deputies.add(deputy)
    return {
        "liaison.Committee": committee,
        "liaison.ContactAssignment": ContactAssignment.objects.create(member=seat, deputy=deputy),
        "liaison.ContactRecord": ContactRecord.objects.create(
            member=seat, deputy=deputy, kind="visit", date=day, recorded_by=staff_user
        ),
        "liaison.ReceptionDay": reception,
        "liaison.Topic": Topic.objects.create(meeting=meeting, title=f"{tag}议题", committee=committee),
    }


def _city_wide_rows(someone):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from accounts.models import SecurityEvent
    from core.models import HolidayOverride
    from notifications.services import notify

    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    return {
        "auth.Group": Group.objects.get(name=roles.GROUP_NAMES[roles.DEPUTY]),
        "account.EmailAddress": EmailAddress.objects.create(user=someone, email=someone.email, verified=True),
        "mfa.Authenticator": Authenticator.objects.filter(user=someone).first(),
        "django_celery_beat.PeriodicTask": PeriodicTask.objects.create(
            name="matrix-scan", task="notifications.tasks.run_scans", interval=interval
        ),
        "django_celery_beat.ClockedSchedule": ClockedSchedule.objects.create(
            clocked_time=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
        ),
        "django_celery_beat.CrontabSchedule": CrontabSchedule.objects.create(minute="5", hour="4"),
        "django_celery_beat.SolarSchedule": SolarSchedule.objects.create(event="sunrise", latitude=32, longitude=118),
        "django_celery_beat.IntervalSchedule": interval,
        "core.HolidayOverride": HolidayOverride.objects.create(date=datetime.date(2030, 10, 8), is_workday=False),
        "proposals.ReplyCategory": builders.categories()["C"],
        "notifications.Notification": notify(someone, key="matrix:1", title="提醒"),
        "accounts.SecurityEvent": SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN, actor=someone),
        "proposals.Field": builders.field("城乡建设"),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end; each test's own
    transaction nests in it, so what a test changes is undone too."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers, MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        city = factories.CongressFactory()
        district = factories.DistrictCongressFactory(parent=city, name="示例市玄武区人民代表大会", short_name="玄武区")
        users = {
            "city": with_totp(factories.StaffFactory(congress=city, full_name="工作人员甲")),
            "district": with_totp(factories.StaffFactory(congress=district, full_name="区工作人员")),
            "city_admin": _holding(
                with_totp(factories.StaffFactory(congress=city, full_name="系统管理员甲")), roles.CITY_ADMIN, only=True
            ),
            "auditor": _holding(
                with_totp(factories.StaffFactory(congress=city, full_name="审计员甲")),
                roles.SECURITY_AUDITOR,
                only=True,
            ),
            "superuser": with_totp(factories.StaffFactory(congress=city, is_superuser=True, full_name="超级管理员")),
        }
        rows = {
            "city": _congress_rows(city, users["city"], "市"),
            "district": _congress_rows(district, users["district"], "玄武"),
        }
        shared = _city_wide_rows(users["city"])
        yield {"city": city, "district": district, "users": users, "rows": rows, "shared": shared}
        transaction.set_rollback(True)


def rows_of(world, label, role):
    """(rows the role works on, rows of another congress) for the model ``label``."""
    if label in world["shared"]:
        return [world["shared"][label]], []
    city, district = world["rows"]["city"][label], world["rows"]["district"][label]
    if role == "district":
        return [district], [city]
    # The city office's scope holds the district's rows too: the changelist must list them.
    return [city], []


def url(obj, view):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def login(role, world):
    client = Client()
    client.force_login(world["users"][role])
    return client


# --- The walk --------------------------------------------------------------------------------------


def test_every_registered_model_has_a_row_in_the_table():
    missing = [model._meta.label for model in registered() if model._meta.label not in MATRIX]
    assert not missing, f"Registered on the admin site but not in MATRIX (decide who may touch them): {missing}"
    stale = set(MATRIX) - {model._meta.label for model in registered()}
    assert not stale, f"In MATRIX but no longer registered: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted({model._meta.label for model in registered()} | set(MATRIX)))
def test_admin_matrix(world, role, label):
    model = next((m for m in registered() if m._meta.label == label), None)
    assert model is not None, f"{label} is in MATRIX but no longer registered on the admin site"
    if label not in MATRIX:
        pytest.fail(f"{label} is registered on the admin site but has no row in MATRIX: decide who may touch it")
    if label not in world["shared"] and label not in world["rows"]["city"]:
        pytest.fail(f"No {label} row is built: add one to _congress_rows (or _city_wide_rows)")
    may = caps(label, role)
    client = login(role, world)
    opts = model._meta
    own, foreign = rows_of(world, label, role)
    seen = {}

    def answer(response):
        # A refusal is 403, or a redirect / 404 when the row is outside the user's rows.
        return "ok" if response.status_code == 200 else "refused" if response.status_code in REFUSED else response

    changelist_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    changelist = client.get(changelist_url)
    seen["list"] = answer(changelist)
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    seen["add"] = answer(add)
    if role == "district":
        if changelist.status_code == 200:
            assert_no_city_rows_in_filters_or_search(world, label, client, changelist_url, changelist)
        if add.status_code == 200:
            assert_no_city_choices(world, f"{label} add page", add)
    expected = {"list": "ok" if "l" in may else "refused", "add": "ok" if "a" in may else "refused"}
    for obj in own:
        change = client.get(url(obj, "change"))
        seen["view"] = answer(change)
        expected["view"] = "ok" if "v" in may else "refused"
        if change.status_code == 200:
            seen["change"] = change.context["has_change_permission"]
            expected["change"] = "c" in may
            if role == "district" and "c" in may:
                assert_no_city_choices(world, f"{label} change page", change)
        # The delete page collects every row a delete would take along: costly, so walked
        # for the office roles, whose scope it must respect.
        if role in ("district", "city"):
            seen["delete"] = answer(client.get(url(obj, "delete")))
            expected["delete"] = "ok" if "d" in may else "refused"
        if role == "district":
            seen["history"] = answer(client.get(url(obj, "history")))
            expected["history"] = "ok" if "v" in may else "refused"
    assert seen == expected, f"{label} as {role}"

    if role == "city" and "l" in may and label not in world["shared"]:
        district_row = world["rows"]["district"][label]
        assert url(district_row, "change") in changelist.content.decode(), (
            f"{label}: city office misses the district's row"
        )

    for obj in foreign:
        for view in ("change", "history", "delete"):
            status = client.get(url(obj, view)).status_code
            assert status in REFUSED, f"{label} as {role}: {view} page of another congress's row: {status}"
        if changelist.status_code == 200:
            assert url(obj, "change") not in changelist.content.decode(), f"{label} as {role}: row listed"

    untouchable = foreign + ([] if "d" in may else own)
    for obj in untouchable:
        client.post(url(obj, "delete"), {"post": "yes"})
        assert model._default_manager.filter(pk=obj.pk).exists(), f"{label} as {role}: deleted {obj!r}"


# --- What else the admin shows: choices, list filters, search, autocomplete, recent actions --------


def city_only_rows(world):
    """label -> the city's row, for the models with a row per congress."""
    return world["rows"]["city"]


def city_only_names(world):
    """The names of the city's rows that no district row shares."""
    district = {str(obj) for obj in world["rows"]["district"].values()}
    return {str(obj) for obj in world["rows"]["city"].values()} - district


def assert_no_city_choices(world, page, response):
    """Every relation field of an add or change form offers only rows of the district."""
    from django.forms import ModelChoiceField

    city_pks = {type(row): row.pk for row in city_only_rows(world).values()}
    for name, field in response.context["adminform"].form.fields.items():
        if isinstance(field, ModelChoiceField) and field.queryset.model in city_pks:
            assert not field.queryset.filter(pk=city_pks[field.queryset.model]).exists(), f"{page}: {name}"


def assert_no_city_rows_in_filters_or_search(world, label, client, changelist_url, changelist):
    cl = changelist.context["cl"]
    names = city_only_names(world)
    shown = {str(choice.get("display")) for spec in cl.filter_specs for choice in spec.choices(cl)}
    assert not shown & names, f"{label}: list filters offer {sorted(shown & names)}"
    city_row = city_only_rows(world).get(label)
    if city_row is not None and cl.search_fields:
        found = client.get(changelist_url, {"q": str(city_row)[:20]}).context["cl"].result_list
        assert city_row.pk not in {obj.pk for obj in found}, f"{label}: search finds the city's row"


def autocomplete_cases():
    cases = []
    for model in registered():
        model_admin = admin.site._registry[model]
        for field_name in model_admin.autocomplete_fields:
            cases.append((model._meta.label, field_name))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize("label, field_name", autocomplete_cases())
def test_autocomplete_gives_district_staff_no_city_rows(world, label, field_name):
    from django.apps import apps

    model = apps.get_model(label)
    remote = model._meta.get_field(field_name).related_model
    client = login("district", world)
    app_label, model_name = label.lower().split(".")
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code in (200, 403), response.status_code
    if response.status_code == 403:
        return
    ids = {int(item["id"]) for item in response.json()["results"]}
    city_row = city_only_rows(world).get(remote._meta.label)
    district_row = world["rows"]["district"].get(remote._meta.label)
    assert city_row is not None, f"no city row of {remote._meta.label} to check"
    assert city_row.pk not in ids, f"{label}.{field_name}: autocomplete offers the city's {city_row}"
    assert district_row.pk in ids, f"{label}.{field_name}: autocomplete misses the district's {district_row}"


def recent_actions(user):
    """What the index's "recent actions" panel lists for ``user``: the admin's own template
    tag over the site's context (the index page's dashboard is left out of this test)."""
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    template = Template(
        "{% load log %}{% get_admin_log 10 as admin_log for_user user %}"
        "{% for entry in admin_log %}{{ entry.object_repr }};{% endfor %}"
    )
    return template.render(Context({**admin.site.each_context(request), "user": user}))


def log(user, obj, text):
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=text,
        action_flag=CHANGE,
        change_message="[]",
    )


@pytest.mark.django_db
def test_recent_actions_on_the_index_hide_other_congresses_rows(world):
    """A staff member moved from the city office to the district keeps their log entries; the
    index shows only those about rows still in their scope."""
    user = world["users"]["district"]
    log(user, world["rows"]["district"]["deputies.Deputy"], "区代表的日志")
    log(user, world["rows"]["city"]["deputies.Deputy"], "市代表的日志")
    log(user, world["rows"]["city"]["proposals.Suggestion"], "市建议的日志")
    assert recent_actions(user) == "区代表的日志;"


@pytest.mark.django_db
def test_a_superuser_sees_every_recent_action(world):
    user = world["users"]["superuser"]
    log(user, world["rows"]["district"]["deputies.Deputy"], "区代表的日志")
    log(user, world["rows"]["city"]["deputies.Deputy"], "市代表的日志")
    assert recent_actions(user) == "市代表的日志;区代表的日志;"
