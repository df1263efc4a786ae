"""Demo awards (评优) of the city congress, through the services (run after seed_proposals).

The year is the one the demo suggestions were accepted in. Two excellent suggestions (published
items first), two excellent replies, the two best handling units by the quality figures and one
advanced individual are nominated, shortlisted, decided by a chairpersons' meeting and published;
one more suggestion and one more person stay open (nominated, shortlisted). Run again, it finds
the year's awards there and writes nothing.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import User
from deputies.models import Congress
from proposals import services, services_awards
from proposals.models import Award, Suggestion
from proposals.selectors import awards as award_selectors

CITY_NAME = "南京市人民代表大会"
STAFF_EMAIL = "staff@example.org"
K = Award.Kind
# Invented people: a unit's handling officer and an office liaison.
PEOPLE = [
    ("陈晓岚（市交通运输局建议办理科）", "主动对接代表，逐件跟踪办理进度"),
    ("周明远（玄武区人大代表联络站）", "组织代表调研，提出建议质量高"),
]
CITATIONS = {
    K.EXCELLENT_SUGGESTION: "调研扎实、建议可行，推动问题实际解决",
    K.EXCELLENT_REPLY: "答复具体、措施明确，代表满意",
    K.ADVANCED_UNIT: "按时办复率高、代表满意度高",
}


def demo_year(city) -> int | None:
    years = (
        Suggestion.objects.filter(congress=city, status__in=services_awards.ACCEPTED_STATES, accepted_at__isnull=False)
        .annotate(y=ExtractYear("accepted_at"))
        .order_by("-y")
        .values_list("y", flat=True)
    )
    return years.first()


def seed(*, out=None) -> int:
    """Returns how many awards were written (0 when the year's awards are already there)."""
    city = Congress.objects.filter(name=CITY_NAME).first()
    if city is None:
        raise CommandError(f"{CITY_NAME} is missing: run `manage.py seed_demo` first.")
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is None or not services.is_office_staff(staff, city.pk):
        raise CommandError(
            "No staff account of the city congress (staff@example.org): run `manage.py seed_demo` first."
        )
    year = demo_year(city)
    if year is None:
        raise CommandError("The city congress has no accepted suggestion: run `manage.py seed_proposals` first.")
    if Award.objects.filter(congress=city, year=year).exists():
        return 0
    today = timezone.localdate()
    decided_on = min(today, datetime.date(year, 12, 20))
    suggestions = list(
        services_awards.eligible_suggestions(congress_id=city.pk, year=year).order_by("-published", "number", "pk")[:3]
    )
    replies = list(
        services_awards.eligible_replies(congress_id=city.pk, year=year)
        .filter(assignment__suggestion__published=True)
        .order_by("replied_on", "pk")[:2]
    )
    units = award_selectors.unit_candidates(congress_id=city.pk, year=year, today=today)[:2]
    with transaction.atomic():
        chosen = []

        def nominate(kind, reason, **subject):
            return services_awards.award_nominate(
                actor=staff,
                congress=city,
                year=year,
                kind=kind,
                reason=reason,
                citation=subject.pop("citation", CITATIONS.get(kind, "")),
                **subject,
            )

        for suggestion in suggestions[:2]:
            chosen.append(nominate(K.EXCELLENT_SUGGESTION, "选题聚焦民生热点，调研充分", suggestion=suggestion))
        for reply in replies:
            chosen.append(nominate(K.EXCELLENT_REPLY, "答复有针对性，承诺事项按期落实", reply=reply))
        for unit in units:
            chosen.append(nominate(K.ADVANCED_UNIT, "全年按时办复，代表满意度居前", unit=unit))
        name, citation = PEOPLE[0]
        chosen.append(nominate(K.ADVANCED_PERSON, citation, person_name=name[:40], citation=citation))
        for award in chosen:
            services_awards.award_shortlist(actor=staff, award=award)
        services_awards.award_decide(
            actor=staff, awards=chosen, meeting=f"{year}年第十二次主任会议", decided_on=decided_on, today=today
        )
        services_awards.award_publish_year(actor=staff, congress=city, year=year, today=today)
        # Still open: one suggestion nominated, one person on the shortlist.
        written = len(chosen)
        if len(suggestions) > 2:
            nominate(K.EXCELLENT_SUGGESTION, "建议具有前瞻性，待主任会议研究", suggestion=suggestions[2])
            written += 1
        name, citation = PEOPLE[1]
        person = nominate(K.ADVANCED_PERSON, citation, person_name=name[:40], citation=citation)
        services_awards.award_shortlist(actor=staff, award=person)
        written += 1
    if out is not None:
        out.write(f"  awards of {year}: {len(chosen)} published, {written - len(chosen)} still open")
    return written


class Command(BaseCommand):
    help = "Demo awards (评优) of the city congress for the demo year, through the services (run after seed_proposals)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off (a demo server). Never on production: the data is invented.",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options["allow_without_debug"]):
            raise CommandError(
                "seed_awards writes invented data. Run it with DEBUG=1, or pass --allow-without-debug on a demo server."
            )
        written = seed(out=self.stdout)
        if written:
            self.stdout.write(self.style.SUCCESS(f"Demo awards ready: {written} written."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo awards already there (nothing written)."))
