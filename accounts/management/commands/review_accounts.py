"""List accounts that an assessment asks about: default accounts still on a well-known
password, addresses or numbers shared by several accounts, and accounts never used.

    manage.py review_accounts [--unused-days 90]

Prints one line per finding (masked numbers) and exits 1 when there is any, so a deployment
check can run it. Nothing is changed.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from core.masking import mask_mobile

# Passwords that must never stay on an account: the demo password and common defaults.
WELL_KNOWN_PASSWORDS = ["Demo-2026-pass", "admin", "password", "123456", "12345678", "Admin@123", "admin123"]


class Command(BaseCommand):
    help = "List default, shared and never-used accounts (changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--unused-days", type=int, default=90, help="never logged in this many days after creation")

    def handle(self, *args, unused_days: int, **options):
        User = get_user_model()
        findings: list[str] = []
        active = User.objects.filter(is_active=True)
        for user in active.exclude(password="").only(
            "pk", "full_name", "email", "password", "is_staff", "is_superuser"
        ):
            if user.has_usable_password() and any(check_password(p, user.password) for p in WELL_KNOWN_PASSWORDS):
                role = "superuser" if user.is_superuser else "staff" if user.is_staff else "user"
                findings.append(f"default password: #{user.pk} {user.full_name} ({role})")
        for field in ("email", "mobile"):
            shared = (
                active.exclude(**{f"{field}__isnull": True})
                .exclude(**{field: ""})
                .values(field)
                .annotate(n=Count("pk"))
                .filter(n__gt=1)
            )
            for row in shared:
                shown = mask_mobile(row[field]) if field == "mobile" else row[field]
                findings.append(f"shared {field}: {shown} on {row['n']} accounts")
        cutoff = timezone.now() - datetime.timedelta(days=unused_days)
        for user in active.filter(last_login__isnull=True, date_joined__lt=cutoff).only("pk", "full_name"):
            findings.append(f"never used: #{user.pk} {user.full_name} (created over {unused_days} days ago)")
        for line in findings:
            self.stdout.write(line)
        self.stdout.write(f"{len(findings)} finding(s)")
        if findings:
            raise SystemExit(1)
