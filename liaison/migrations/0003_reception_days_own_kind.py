"""Reception days held before the kind existed were entered as symposiums: give them their own."""

from django.db import migrations


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Activity = apps.get_model("activities", "Activity")
    Participation = apps.get_model("activities", "Participation")
    kind = ContentType.objects.filter(app_label="liaison", model="receptionday").first()
    if kind is None:
        return
    activities = Activity.objects.filter(source_type=kind, kind="symposium")
    Participation.objects.filter(activity__in=activities).update(activity_kind="reception_day")
    activities.update(kind="reception_day")


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0002_contacts"),
        ("activities", "0004_reception_day_kind"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
