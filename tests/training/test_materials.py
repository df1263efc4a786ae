"""Materials pushed to deputies: the audience rule (later joiners included), read receipts, the
staff's unread list and the once-only reminder, district scope."""

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import InvalidTransition, NotAllowed
from notifications.models import Notification
from tests import factories
from tests.builders import make_deputy_user, pdf
from training import audience, services
from training.models import Material, Receipt
from training.selectors import office as office_selectors
from training.selectors import portal as portal_selectors

from .builders import material

pytestmark = pytest.mark.django_db


def test_a_group_material_reaches_its_members_only_and_later_joiners(staff, deputy, city, term, electoral_unit):
    group = factories.DeputyGroupFactory(congress=city, term=term, name="财经代表小组")
    group.members.add(deputy.mandate)
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    m = material(staff, city, audience_kind="group", group=group)
    assert list(portal_selectors.materials_for_deputy(user=deputy)) == [m]
    assert list(portal_selectors.materials_for_deputy(user=other)) == []
    # 王代表 joins the group after the material was sent: from then on it is theirs too.
    group.members.add(other.mandate)
    fresh = type(other).objects.get(pk=other.pk)
    assert list(portal_selectors.materials_for_deputy(user=fresh)) == [m]
    assert set(audience.deputies_in(m)) == {deputy.mandate, other.mandate}


def test_sending_tells_the_audience_once(staff, deputy, city):
    m = material(staff, city)
    assert Notification.objects.filter(user=deputy, key=f"training:material:{m.pk}:sent").count() == 1
    with pytest.raises(InvalidTransition):
        services.material_publish(actor=staff, material=m)
    assert Notification.objects.filter(user=deputy, key__startswith=f"training:material:{m.pk}").count() == 1


def test_opening_writes_one_receipt_and_unread_first(staff, deputy, city):
    first = material(staff, city, title="第一份")
    second = material(staff, city, title="第二份", important=True)
    services.material_open(actor=deputy, material=first)
    services.material_open(actor=deputy, material=first)
    assert Receipt.objects.filter(material=first, deputy=deputy.mandate).count() == 1
    rows = list(portal_selectors.materials_for_deputy(user=type(deputy).objects.get(pk=deputy.pk)))
    assert [r.pk for r in rows] == [second.pk, first.pk]
    assert [r.is_read for r in rows] == [False, True]


def test_a_deputy_outside_the_audience_cannot_open_it(staff, deputy, city, term):
    unit = factories.ElectoralUnitFactory(congress=city, name="鼓楼区")
    m = material(staff, city, audience_kind="electoral_unit", unit=unit)
    with pytest.raises(NotAllowed):
        services.material_open(actor=deputy, material=m)
    assert not Receipt.objects.exists()


def test_a_draft_cannot_be_opened(staff, deputy, city):
    m = material(staff, city, publish=False)
    with pytest.raises(NotAllowed):
        services.material_open(actor=deputy, material=m)


def test_unread_list_and_remind_once(staff, deputy, city, term, electoral_unit):
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    m = material(staff, city)
    services.material_open(actor=deputy, material=m)
    assert list(services.unread_deputies(m)) == [other.mandate]
    assert office_selectors.material_counts(m) == {"total": 2, "read": 1, "percent": 50}
    assert services.material_remind_unread(actor=staff, material=m) == 1
    with pytest.raises(InvalidTransition):
        services.material_remind_unread(actor=staff, material=m)
    assert Notification.objects.filter(key=f"training:material:{m.pk}:reminded").count() == 1
    assert not Notification.objects.filter(user=deputy, key=f"training:material:{m.pk}:reminded").exists()


def test_remind_refuses_a_draft_and_the_wrong_actor(staff, district_staff, deputy, city):
    draft = material(staff, city, publish=False)
    with pytest.raises(InvalidTransition):
        services.material_remind_unread(actor=staff, material=draft)
    sent = material(staff, city)
    for actor in (district_staff, deputy):
        with pytest.raises(NotAllowed):
            services.material_remind_unread(actor=actor, material=sent)
    assert Material.objects.get(pk=sent.pk).reminded_at is None


def test_district_staff_see_and_change_only_their_congress(staff, district_staff, city, district):
    city_material = material(staff, city, title="市级材料")
    own = material(district_staff, district, title="区级材料")
    assert list(office_selectors.materials_for_office(actor=district_staff)) == [own]
    assert set(office_selectors.materials_for_office(actor=staff)) == {city_material, own}
    with pytest.raises(NotAllowed):
        services.material_create(actor=district_staff, congress=city, title="越权")
    assert Material.objects.count() == 2


def test_typical_cases_shared_with_districts(staff, district_staff, city, district):
    case = material(staff, city, title="典型案例：代表督办老旧小区改造", kind="case", shared_with_districts=True)
    material(staff, city, title="不共享的案例", kind="case")
    assert list(office_selectors.shared_cases_for(actor=district_staff)) == [case]
    with pytest.raises(ValidationError) as exc:
        services.material_create(
            actor=district_staff, congress=district, title="区里共享", kind="case", shared_with_districts=True
        )
    assert "shared_with_districts" in exc.value.message_dict


def test_city_sends_to_district_chairs(staff, city, district):
    from deputies.models import StandingCommitteeMember

    district_term = factories.TermFactory(congress=district)
    unit = factories.ElectoralUnitFactory(congress=district)
    chair = make_deputy_user(district, district_term, "区人大主任", unit)
    StandingCommitteeMember.objects.create(
        term=district_term, deputy=chair.mandate, position="director", start_date=district_term.start_date
    )
    ordinary = make_deputy_user(district, district_term, "区代表", unit)
    m = material(staff, city, audience_kind="district_chairs")
    assert list(portal_selectors.materials_for_deputy(user=chair)) == [m]
    assert list(portal_selectors.materials_for_deputy(user=ordinary)) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"audience_kind": "group"}, "audience_group"),
        ({"audience_kind": "electoral_unit"}, "audience_unit"),
        ({"audience_kind": "by_elected"}, "audience_since"),
        ({"audience_kind": "custom"}, "audience_deputies"),
    ],
)
def test_bad_material_input_is_refused_and_nothing_written(staff, city, kwargs, field):
    kwargs = {"title": "材料", **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.material_create(actor=staff, congress=city, **kwargs)
    assert field in exc.value.message_dict
    assert not Material.objects.exists()


def test_uploads_are_checked_by_content(staff, city):
    from tests.builders import exe

    with pytest.raises(ValidationError):
        services.material_create(actor=staff, congress=city, title="带附件", uploads=[pdf(), exe("伪装.pdf")])
    assert not Material.objects.exists()
    m = services.material_create(actor=staff, congress=city, title="带附件", uploads=[pdf("政策解读.pdf")])
    assert [d.original_name for d in m.documents.all()] == ["政策解读.pdf"]


def test_uploads_over_the_size_limit_are_refused(staff, city, settings):
    settings.TRAINING_FILE_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        services.material_create(actor=staff, congress=city, title="大文件", uploads=[pdf()])
    assert "file" in exc.value.message_dict
    assert not Material.objects.exists()
