"""Key supervision in the demo: the SC account leads an item, its units have filed progress
reports on their schedule and the leader has given an instruction (after seed_proposals)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from proposals import services_supervision
from proposals.models import KeySupervision, KeySupervisionInstruction, Suggestion

SC_EMAIL = "sc@example.org"
REPORTS = (
    "已完成现场踏勘和方案比选，计划下月提交市政府专题会议研究。",
    "专题会议已原则同意实施方案，正在办理立项和资金安排手续。",
)
INSTRUCTION = "请承办单位按月报送进展，重点说明资金落实和开工时间，办理结果及时向领衔代表反馈。"


class Command(BaseCommand):
    help = "Give the demo SC account a key-supervision item with unit reports and an instruction."

    @transaction.atomic
    def handle(self, *args, **options):
        leader_user = User.objects.filter(email=SC_EMAIL).first()
        seat = None
        if leader_user is not None:
            from deputies.models import StandingCommitteeMember

            seat = (
                StandingCommitteeMember.objects.filter(deputy__user=leader_user)
                .select_related("deputy")
                .order_by("pk")
                .first()
            )
        if seat is None:
            raise CommandError("Run seed_demo first: the SC account has no standing-committee seat.")
        live = KeySupervision.objects.exclude(
            suggestion__status__in=[Suggestion.Status.CLOSED, Suggestion.Status.MERGED]
        ).select_related("suggestion", "sc_leader__deputy")
        supervision = live.filter(sc_leader=seat).order_by("pk").first()
        if supervision is None:
            supervision = live.filter(sc_leader__term__congress_id=seat.term.congress_id).order_by("pk").first()
            if supervision is None:
                raise CommandError("Run seed_proposals first: there is no key-supervision item to lead.")
            # The chairpersons' meeting names the leader in charge; the demo gives one item to the SC account.
            supervision.sc_leader = seat
            supervision.save(update_fields=["sc_leader"])
        if KeySupervisionInstruction.objects.filter(supervision=supervision).exists():
            self.stdout.write("Key supervision already seeded.")
            return
        today = timezone.localdate()
        filed = 0
        for assignment in services_supervision.reporting_assignments(supervision).select_related("unit"):
            officer = assignment.unit.officers.filter(is_active=True).order_by("pk").first()
            if officer is None:
                continue
            for i, note in enumerate(REPORTS):
                day = max(supervision.selected_on, today - datetime.timedelta(days=30 * (len(REPORTS) - 1 - i)))
                services_supervision.unit_report_add(actor=officer, supervision=supervision, note=note, reported_on=day)
                filed += 1
        services_supervision.instruction_add(actor=leader_user, supervision=supervision, text=INSTRUCTION)
        self.stdout.write(
            f"Key supervision: {supervision.suggestion} led by {SC_EMAIL}, {filed} unit reports, 1 instruction."
        )
