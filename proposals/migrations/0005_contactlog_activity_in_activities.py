# ContactLog.activity points at the same table, now modelled in activities: state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0001_initial'),
        ('proposals', '0004_holiday_override_moved_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='contactlog',
                    name='activity',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='suggestion_contacts', to='activities.activity', verbose_name='Activity'),
                ),
            ],
            database_operations=[],
        ),
    ]
