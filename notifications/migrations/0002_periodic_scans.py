"""Schedule the reminder scans in django-celery-beat (editable in the admin)."""

from django.conf import settings
from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=settings.SCAN_INTERVAL_SECONDS, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="提醒扫描（所有模块）",
        defaults={"task": "notifications.run_scans", "interval": interval, "enabled": True},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="notifications.run_scans").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
