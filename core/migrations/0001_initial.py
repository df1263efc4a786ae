# The holiday overrides moved here from proposals. The table keeps its name and its rows:
# only Django's state moves (SeparateDatabaseAndState), and the content type follows so
# that permissions and admin history stay attached.

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="holidayoverride").exists():
        ContentType.objects.filter(app_label="proposals", model="holidayoverride").update(app_label="core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("proposals", "0003_status_label"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HolidayOverride",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(unique=True, verbose_name="Date")),
                        ("is_workday", models.BooleanField(verbose_name="Working day")),
                        ("note", models.CharField(blank=True, max_length=60, verbose_name="Note")),
                    ],
                    options={
                        "verbose_name": "Holiday override",
                        "verbose_name_plural": "Holiday overrides",
                        "ordering": ["date"],
                        "db_table": "proposals_holidayoverride",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
