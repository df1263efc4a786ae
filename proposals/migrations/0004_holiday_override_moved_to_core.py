# HolidayOverride now lives in core (same table): drop it from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0003_status_label"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HolidayOverride")],
            database_operations=[],
        ),
    ]
