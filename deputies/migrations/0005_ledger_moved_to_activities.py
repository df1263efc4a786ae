# The activity ledger now lives in activities (same tables): drop it from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('deputies', '0004_labels'),
        ('proposals', '0005_contactlog_activity_in_activities'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='dutyreport',
                    name='activity',
                ),
                migrations.RemoveField(
                    model_name='participation',
                    name='activity',
                ),
                migrations.RemoveField(
                    model_name='deputyletter',
                    name='body',
                ),
                migrations.RemoveField(
                    model_name='deputyletter',
                    name='deputy',
                ),
                migrations.RemoveField(
                    model_name='dutyreport',
                    name='deputy',
                ),
                migrations.RemoveField(
                    model_name='groupactivityplan',
                    name='group',
                ),
                migrations.RemoveField(
                    model_name='participation',
                    name='deputy',
                ),
                migrations.RemoveField(
                    model_name='participation',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='specialsupervisor',
                    name='body',
                ),
                migrations.RemoveField(
                    model_name='specialsupervisor',
                    name='deputy',
                ),
                migrations.DeleteModel(
                    name='Activity',
                ),
                migrations.DeleteModel(
                    name='DeputyLetter',
                ),
                migrations.DeleteModel(
                    name='DutyReport',
                ),
                migrations.DeleteModel(
                    name='GroupActivityPlan',
                ),
                migrations.DeleteModel(
                    name='Participation',
                ),
                migrations.DeleteModel(
                    name='SpecialSupervisor',
                ),
            ],
            database_operations=[],
        ),
    ]
