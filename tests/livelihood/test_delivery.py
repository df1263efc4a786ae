"""政府办 and 人大评: progress bounded 0–100 % of target, no backward move without a reason,
a department updates only its own projects, photos checked by content, supervision groups
and inspections in the ledger, observations answered by the department, and the deputy's
own rating, once per project."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Activity, Participation
from core.exceptions import InvalidTransition, NotAllowed
from livelihood import services, services_delivery
from livelihood.models import Observation, Rating, Report, ReportValue
from livelihood.selectors import attach_progress
from notifications.models import Notification

from . import builders as lb

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(staff, city, department):
    return lb.voted(staff, city, unit=department)


@pytest.fixture
def project(cycle):
    return lb.elected(cycle)[0]


@pytest.fixture
def item(project):
    return project.items.get()


def _png(name="现场.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 80)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Progress ---------------------------------------------------------------------------------


def test_a_report_moves_the_target_and_rolls_up_to_item_and_project(officer, project, item):
    lb.report(officer, item, value="5")
    target = item.targets.get()
    assert target.current_value == Decimal("5") and target.percent == 50
    [p] = attach_progress(type(project).objects.filter(pk=project.pk).prefetch_related("items__targets"))
    assert p.percent == 50 and p.items.all()[0].percent == 50


@pytest.mark.parametrize("value", ["-1", "10.01", "99"])
def test_a_value_outside_0_to_the_target_is_refused(officer, item, value):
    with pytest.raises(ValidationError) as exc:
        lb.report(officer, item, value=value)
    assert f"target_{item.targets.get().pk}" in exc.value.message_dict
    assert Report.objects.count() == 0 and item.targets.get().current_value == 0


def test_a_lower_value_needs_a_reason_which_stays_in_the_timeline(client, officer, cycle, item, project):
    lb.report(officer, item, value="10", period="2027-Q1")
    with pytest.raises(ValidationError) as exc:
        lb.report(officer, item, value="8", period="2027-Q2")
    assert "请说明原因" in str(exc.value) or "reason" in str(exc.value)
    assert Report.objects.count() == 1 and item.targets.get().current_value == 10
    lb.report(officer, item, value="8", period="2027-Q2", reason="复核后部分点位未通过验收")
    value = ReportValue.objects.get(report__period="2027-Q2")
    assert (value.previous, value.value, value.reason) == (10, 8, "复核后部分点位未通过验收")
    html = client.get(reverse("livelihood:project", args=[project.pk])).content.decode()
    assert "复核后部分点位未通过验收" in html and "10 → 8" in html


def test_the_database_refuses_a_backward_value_without_reason(officer, item):
    from django.db import IntegrityError, transaction

    report = lb.report(officer, item, value="5")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportValue.objects.create(report=report, target=item.targets.get(), previous=5, value=3, reason="")


def test_a_department_reports_only_on_its_own_items(other_officer, unit_officer, deputy, staff, item):
    for actor in (other_officer, unit_officer, deputy, staff):
        with pytest.raises(NotAllowed):
            lb.report(actor, item)
    assert Report.objects.count() == 0


def test_another_departments_item_is_404_on_the_unit_page(client, other_officer, item):
    client.force_login(other_officer)
    assert client.get(reverse("livelihood_unit:item", args=[item.pk])).status_code == 404


def test_no_report_on_a_project_not_elected(officer, cycle):
    lost = cycle.projects.get(number=3)
    with pytest.raises(InvalidTransition):
        lb.report(officer, lost.items.get())


def test_a_period_is_a_month_or_a_quarter_and_reported_once(officer, item):
    with pytest.raises(ValidationError) as exc:
        lb.report(officer, item, period="六月")
    assert "period" in exc.value.message_dict
    lb.report(officer, item, period="2027-06")
    with pytest.raises(ValidationError):
        lb.report(officer, item, period="2027-06", value="6")
    assert Report.objects.count() == 1


def test_the_unit_page_reports_with_a_photo_and_the_public_page_shows_it(client, officer, item, project):
    client.force_login(officer)
    target = item.targets.get()
    response = client.post(
        reverse("livelihood_unit:item", args=[item.pk]),
        {"period": "2027-Q1", "narrative": "已建成3个点位。", f"target_{target.pk}": "3", "photos": [_png()]},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    photo = report.photos.get()
    assert photo.extension == ".png"
    public = client.get(reverse("livelihood:project", args=[project.pk])).content.decode()
    assert reverse("livelihood:photo", args=[photo.pk]) in public and "已建成3个点位。" in public
    image = client.get(reverse("livelihood:photo", args=[photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_saved(client, officer, item):
    client.force_login(officer)
    target = item.targets.get()
    fake = SimpleUploadedFile("现场.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(
        reverse("livelihood_unit:item", args=[item.pk]),
        {"period": "2027-Q1", "narrative": "已建成3个点位。", f"target_{target.pk}": "3", "photos": [fake]},
    )
    assert response.status_code == 200 and "已建成3个点位。" in response.content.decode()
    assert Report.objects.count() == 0 and item.targets.get().current_value == 0


def test_a_bad_value_on_the_unit_page_is_shown_in_chinese_as_typed(client, officer, item):
    client.force_login(officer)
    target = item.targets.get()
    response = client.post(
        reverse("livelihood_unit:item", args=[item.pk]),
        {"period": "2027-Q1", "narrative": "推进中", f"target_{target.pk}": "12"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "须在 0 到目标值 10 个 之间。" in html and 'value="12"' in html
    assert Report.objects.count() == 0


def test_completion_needs_every_target_reached(staff, officer, project, item):
    with pytest.raises(InvalidTransition):
        services_delivery.project_complete(actor=staff, project=project)
    lb.report(officer, item, value="10")
    services_delivery.project_complete(actor=staff, project=project)
    project.refresh_from_db()
    assert project.status == "completed"


# --- Supervision ------------------------------------------------------------------------------


def test_an_inspection_is_an_activity_of_the_ledger_with_the_group_invited(staff, cycle, project, deputy, other_deputy):
    group = services_delivery.group_create(
        actor=staff,
        cycle=cycle,
        name="监督第一小组",
        deputies=[deputy.mandate, other_deputy.mandate],
        projects=[project],
    )
    inspection = services_delivery.inspection_record(
        actor=staff, group=group, project=project, date=lb.today(), place="项目现场"
    )
    activity = inspection.activity
    assert activity.kind == Activity.Kind.LIVELIHOOD and activity.organiser == "监督第一小组"
    assert set(Participation.objects.filter(activity=activity).values_list("deputy_id", flat=True)) == {
        deputy.mandate.pk,
        other_deputy.mandate.pk,
    }


def test_an_inspection_of_a_project_the_group_does_not_follow_is_refused(staff, cycle, deputy):
    first, second = lb.elected(cycle)
    group = services_delivery.group_create(
        actor=staff, cycle=cycle, name="一组", deputies=[deputy.mandate], projects=[first]
    )
    with pytest.raises(ValidationError):
        services_delivery.inspection_record(actor=staff, group=group, project=second, date=lb.today())
    assert Activity.objects.filter(kind=Activity.Kind.LIVELIHOOD).count() == 0


def test_groups_follow_only_elected_projects(staff, cycle, deputy, district_staff):
    lost = cycle.projects.get(number=3)
    with pytest.raises(ValidationError):
        services_delivery.group_create(
            actor=staff, cycle=cycle, name="一组", deputies=[deputy.mandate], projects=[lost]
        )
    with pytest.raises(NotAllowed):
        services_delivery.group_create(actor=district_staff, cycle=cycle, name="一组", deputies=[deputy.mandate])


def test_an_observation_is_answered_by_the_department_within_the_working_days(
    staff, cycle, project, deputy, other_deputy, officer, other_officer
):
    services_delivery.group_create(actor=staff, cycle=cycle, name="一组", deputies=[deputy.mandate], projects=[project])
    with pytest.raises(NotAllowed):  # not in a group following it
        services_delivery.observation_make(actor=other_deputy, project=project, text="建议加快进度")
    obs = services_delivery.observation_make(actor=deputy, project=project, text="施工围挡影响出行")
    assert obs.due_on > lb.today()
    assert Notification.objects.filter(user=officer, key=f"livelihood:observation:{obs.pk}:made").exists()
    with pytest.raises(NotAllowed):
        services_delivery.observation_answer(actor=other_officer, observation=obs, answer="已处理")
    services_delivery.observation_answer(actor=officer, observation=obs, answer="已要求错峰施工")
    obs.refresh_from_db()
    assert obs.status == Observation.Status.ANSWERED and obs.answered_by == officer
    assert Notification.objects.filter(user=deputy, key=f"livelihood:observation:{obs.pk}:answered").exists()
    with pytest.raises(InvalidTransition):
        services_delivery.observation_answer(actor=officer, observation=obs, answer="再次答复")


# --- Evaluation -------------------------------------------------------------------------------


def test_a_deputy_rates_once_and_only_for_themselves(staff, city, department, deputy, other_deputy, officer):
    c = lb.evaluating(staff, city, unit=department)
    project = lb.elected(c)[0]
    services_delivery.rating_submit(actor=deputy, project=project, value="satisfied", comment="好")
    with pytest.raises(ValidationError) as exc:
        services_delivery.rating_submit(actor=deputy, project=project, value="unsatisfied")
    assert "已测评" in str(exc.value) or "already" in str(exc.value)
    for actor in (staff, officer):
        with pytest.raises(NotAllowed):
            services_delivery.rating_submit(actor=actor, project=project, value="satisfied")
    services_delivery.rating_submit(actor=other_deputy, project=project, value="basically")
    assert sorted(Rating.objects.values_list("deputy__name", "value")) == [
        ("李代表", "satisfied"),
        ("王代表", "basically"),
    ]


def test_no_rating_before_the_evaluation_opens_or_after_it_closes(staff, deputy, cycle, project):
    with pytest.raises(InvalidTransition):
        services_delivery.rating_submit(actor=deputy, project=project, value="satisfied")
    services.cycle_open_evaluation(actor=staff, cycle=cycle, closes_on=lb.today())
    services.cycle_close(actor=staff, cycle=cycle)
    with pytest.raises(InvalidTransition):
        services_delivery.rating_submit(actor=deputy, project=project, value="satisfied")
    assert Rating.objects.count() == 0


def test_the_portal_rating_form_refuses_a_second_rating(client, staff, city, department, deputy):
    c = lb.evaluating(staff, city, unit=department)
    project = lb.elected(c)[0]
    client.force_login(deputy)
    url = reverse("livelihood_portal:rate", args=[project.pk])
    assert client.post(url, {"value": "satisfied"}).status_code == 302
    response = client.post(url, {"value": "unsatisfied"})
    assert response.status_code == 200 and "您已测评过该项目。" in response.content.decode()
    assert Rating.objects.get().value == "satisfied"


def test_an_evaluation_closing_in_the_past_is_refused(staff, cycle):
    with pytest.raises(ValidationError):
        services.cycle_open_evaluation(actor=staff, cycle=cycle, closes_on=lb.today() - datetime.timedelta(days=1))
    cycle.refresh_from_db()
    assert cycle.status == "voted"


def test_a_milestone_is_marked_reached_by_its_department_only(client, staff, officer, other_officer, item):
    milestone = services.milestone_add(actor=staff, item=item, title="完成选址", due_date=lb.today())
    with pytest.raises(NotAllowed):
        services_delivery.milestone_reach(actor=other_officer, milestone=milestone, reached_on=lb.today())
    with pytest.raises(ValidationError):
        services_delivery.milestone_reach(
            actor=officer, milestone=milestone, reached_on=lb.today() + datetime.timedelta(days=1)
        )
    milestone.refresh_from_db()
    assert milestone.reached_on is None
    client.force_login(officer)
    url = reverse("livelihood_unit:milestone", args=[item.pk, milestone.pk])
    assert client.post(url, {f"m{milestone.pk}-reached_on": lb.today().isoformat()}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.reached_on == lb.today()


def test_the_deputy_closes_their_answered_observation_in_the_portal(client, staff, cycle, project, deputy, officer):
    services_delivery.group_create(actor=staff, cycle=cycle, name="一组", deputies=[deputy.mandate], projects=[project])
    obs = services_delivery.observation_make(actor=deputy, project=project, text="建议公开进度")
    client.force_login(deputy)
    url = reverse("livelihood_portal:observation_close", args=[project.pk, obs.pk])
    assert client.post(url).status_code == 200  # not answered yet: refused on the page
    obs.refresh_from_db()
    assert obs.status == Observation.Status.OPEN
    services_delivery.observation_answer(actor=officer, observation=obs, answer="已公开")
    assert client.post(url).status_code == 302
    obs.refresh_from_db()
    assert obs.status == Observation.Status.CLOSED
