"""``manage.py seed_doctpl``: the heads (主要负责人) of the city's handling units, run after
``seed_demo`` (and the other seeds).

- Every handling unit of the city congress gets an invented head's name and the title its kind
  has (局长, 主任, 院长, 检察长); urging notices are addressed to them.
- 市交通运输局's head has an officer account of the unit (``unit.head@example.org``, the demo
  password), so an urging notice to that unit shows the head's own notification beside the
  officer's (``unit@example.org``).

Idempotent: a unit whose head is recorded keeps it; the account is found by its e-mail address.
"""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.audit import audit
from accounts.models import SecurityEvent, Unit, User
from accounts.services import user_sync_roles
from demo import demo_data as data
from deputies.models import Congress

SURNAMES = "王李张刘陈杨赵黄周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ("建国", "志强", "海涛", "晓东", "文华", "国平", "立新", "明辉", "春燕", "丽华", "宏伟", "卫东", "振宇", "亚平")
HEAD_UNIT = "市交通运输局"
HEAD_EMAIL = "unit.head@example.org"


def head_title(unit: Unit) -> str:
    if unit.kind == Unit.Kind.COURT:
        return "院长"
    if unit.kind == Unit.Kind.PROCURATORATE:
        return "检察长"
    if unit.name.endswith("局"):
        return "局长"
    return "主任"  # 委员会, 办公室


class Command(BaseCommand):
    help = "Record the heads of the demo handling units (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        city = Congress.objects.filter(parent__isnull=True).order_by("pk").first()
        if city is None or not Unit.objects.filter(congress=city).exists():
            raise CommandError("Run seed_demo first: there are no handling units.")
        rng = random.Random(20260309)
        recorded = 0
        for unit in Unit.objects.filter(congress=city).order_by("pk"):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)  # drawn for every unit: stable names
            if unit.head_name:
                continue
            unit.head_name, unit.head_title = name, head_title(unit)
            unit.save(update_fields=["head_name", "head_title"])
            recorded += 1
        unit = Unit.objects.filter(congress=city, name=HEAD_UNIT).first()
        account = None
        if unit is not None:
            account = User.objects.filter(email=HEAD_EMAIL).first()
            if account is None:
                account = User.objects.create(
                    email=HEAD_EMAIL,
                    full_name=unit.head_name,
                    unit=unit,
                    password=make_password(data.DEMO_PASSWORD),
                )
                EmailAddress.objects.get_or_create(
                    user=account, email=HEAD_EMAIL, defaults={"verified": True, "primary": True}
                )
                user_sync_roles(user=account)
                audit(SecurityEvent.Kind.ACCOUNT_CREATED, actor=None, target_user=account, via="seed_doctpl")
            if unit.head_user_id is None and account.unit_id == unit.pk:
                unit.head_user = account
                unit.save(update_fields=["head_user"])
        self.stdout.write(f"seed_doctpl: {recorded} unit heads recorded; head account {HEAD_EMAIL}")
