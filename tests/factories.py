"""Factories for the roster, accounts and the activity ledger. Invented data only."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import Unit, User
from activities.models import Activity, Participation
from deputies.models import Congress, CongressSession, Deputy, DeputyGroup, ElectoralUnit, Term

_mobiles = itertools.count(1)


def next_mobile() -> str:
    # 138 0000 xxxx: an invented range, never a real subscriber's number in the demo.
    return f"1380000{next(_mobiles):04d}"


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress
        django_get_or_create = ["name"]

    name = "示例市人民代表大会"
    short_name = "市"
    level = Congress.Level.CITY


class DistrictCongressFactory(CongressFactory):
    name = factory.Sequence(lambda n: f"示例市第{n}区人民代表大会")
    short_name = factory.Sequence(lambda n: f"第{n}区")
    level = Congress.Level.DISTRICT
    parent = factory.SubFactory(CongressFactory)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ["congress", "number"]

    congress = factory.SubFactory(CongressFactory)
    number = 17
    name = "第十七届"
    start_date = datetime.date(2022, 1, 1)
    is_current = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CongressSession

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"十七届人大{o.number}次会议")
    start_date = datetime.date(2024, 1, 10)
    end_date = datetime.date(2024, 1, 14)


class ElectoralUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ElectoralUnit
        django_get_or_create = ["congress", "name"]

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}选举单位")
    seats = 50


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"示例市第{n}局")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    mobile = factory.LazyFunction(next_mobile)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-42")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    congress = factory.SubFactory(CongressFactory)

    @factory.post_generation
    def staff_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]))


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    congress = factory.SubFactory(CongressFactory)
    term = factory.LazyAttribute(lambda o: TermFactory(congress=o.congress))
    electoral_unit = factory.LazyAttribute(lambda o: ElectoralUnitFactory(congress=o.congress))
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Deputy.Gender.FEMALE
    birth_year = 1975
    occupation = "教师"
    employer = "示例市第一中学教师"
    mobile = factory.LazyFunction(next_mobile)
    status = Deputy.Status.SERVING


class DeputyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    congress = factory.SubFactory(CongressFactory)
    term = factory.LazyAttribute(lambda o: TermFactory(congress=o.congress))
    name = factory.Sequence(lambda n: f"第{n}代表小组")


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity dated yesterday, recorded by its creator unless told otherwise."""

    class Meta:
        model = Activity

    congress = factory.SubFactory(CongressFactory)
    kind = Activity.Kind.INSPECTION
    title = factory.Sequence(lambda n: f"集中视察第{n}次")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    place = "玄武区"
    organiser = "代表工作委员会"
    recorder = factory.SubFactory(UserFactory)
    created_by = factory.LazyAttribute(lambda o: o.recorder)


class ParticipationFactory(factory.django.DjangoModelFactory):
    """A participation in any state, written directly: for reads (archive, counts), not for the rules."""

    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    deputy = factory.SubFactory(DeputyFactory)
    status = Participation.Status.INVITED
    activity_date = factory.LazyAttribute(lambda o: o.activity.start_date)
    activity_kind = factory.LazyAttribute(lambda o: o.activity.kind)
    reason = factory.LazyAttribute(
        lambda o: "出差" if o.status in (Participation.Status.DECLINED, Participation.Status.EXCUSED) else ""
    )
