# The activity ledger moved here from deputies. Its tables keep their names (db_table) and
# their rows: only Django's state moves, and the content types follow so that permissions,
# the staff group's grants and admin history stay attached.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ["activity", "participation", "dutyreport", "specialsupervisor", "deputyletter", "groupactivityplan"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="activities", model=model).exists():
            ContentType.objects.filter(app_label="deputies", model=model).update(app_label="activities")

class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_labels'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('deputies', '0004_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Activity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('research', 'Research trip'), ('inspection', 'Inspection'), ('law_enforcement', 'Law-enforcement check'), ('symposium', 'Symposium'), ('briefing', 'Briefing'), ('government_bodies', 'Activity of the government, commission, court or procuratorate'), ('group', 'Deputy group activity'), ('professional_group', 'Professional group activity'), ('sc_meeting', 'Attending an SC meeting'), ('training', 'Training'), ('livelihood', 'Livelihood project supervision'), ('station', 'Station reception'), ('other', 'Other')], db_index=True, max_length=20, verbose_name='Kind')),
                        ('title', models.CharField(max_length=200, verbose_name='Title')),
                        ('start_date', models.DateField(db_index=True, verbose_name='Start date')),
                        ('end_date', models.DateField(verbose_name='End date')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='Place')),
                        ('organiser', models.CharField(max_length=100, verbose_name='Organising body')),
                        ('description', models.TextField(blank=True, verbose_name='Description')),
                        ('attendance_closed_at', models.DateTimeField(blank=True, null=True, verbose_name='Attendance recorded at')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Created')),
                        ('congress', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='deputies.congress', verbose_name='Congress')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Created by')),
                        ('group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activities', to='deputies.deputygroup', verbose_name='Deputy group')),
                        ('organiser_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activities', to='accounts.unit', verbose_name='Organising unit')),
                        ('recorder', models.ForeignKey(help_text='Whoever organises records it: this person records who came.', on_delete=django.db.models.deletion.PROTECT, related_name='activities_to_record', to=settings.AUTH_USER_MODEL, verbose_name='Responsible for attendance')),
                    ],
                    options={
                        'verbose_name': 'Activity',
                        'verbose_name_plural': 'Activities',
                        'db_table': 'deputies_activity',
                        'ordering': ['-start_date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='DeputyLetter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject', models.CharField(max_length=200, verbose_name='Subject')),
                        ('content', models.TextField(verbose_name='Content')),
                        ('received_on', models.DateField(verbose_name='Received on')),
                        ('forwarded_on', models.DateField(blank=True, null=True, verbose_name='Forwarded on')),
                        ('reply_due', models.DateField(blank=True, null=True, verbose_name='Reply due')),
                        ('reply', models.TextField(blank=True, verbose_name='Reply')),
                        ('replied_on', models.DateField(blank=True, null=True, verbose_name='Replied on')),
                        ('feedback', models.CharField(blank=True, choices=[('satisfied', 'Satisfied'), ('basically_satisfied', 'Basically satisfied'), ('unsatisfied', 'Unsatisfied')], max_length=20, verbose_name="Deputy's feedback")),
                        ('feedback_note', models.TextField(blank=True, verbose_name='Feedback note')),
                        ('status', models.CharField(choices=[('received', 'Received'), ('forwarded', 'Forwarded'), ('replied', 'Replied'), ('closed', 'Closed')], db_index=True, default='received', max_length=10, verbose_name='Status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Created')),
                        ('body', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deputy_letters', to='accounts.unit', verbose_name='Sent to')),
                        ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='deputies.deputy', verbose_name='Deputy')),
                    ],
                    options={
                        'verbose_name': "Deputy's letter",
                        'verbose_name_plural': "Deputies' letters",
                        'db_table': 'deputies_deputyletter',
                        'ordering': ['-received_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='DutyReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('electoral_unit', 'Report to the electoral unit'), ('sc_meeting', 'Report at an SC meeting')], default='electoral_unit', max_length=15, verbose_name='Kind')),
                        ('scheduled_on', models.DateField(verbose_name='Scheduled for')),
                        ('held_on', models.DateField(blank=True, null=True, verbose_name='Held on')),
                        ('audience', models.CharField(blank=True, max_length=120, verbose_name='Reported to')),
                        ('summary', models.TextField(blank=True, verbose_name='Report summary')),
                        ('result', models.CharField(blank=True, choices=[('', 'Not yet evaluated'), ('satisfied', 'Satisfied'), ('basically_satisfied', 'Basically satisfied'), ('unsatisfied', 'Unsatisfied')], default='', max_length=20, verbose_name='Evaluation')),
                        ('evaluation_note', models.TextField(blank=True, verbose_name='Evaluation note')),
                        ('activity', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='duty_report', to='activities.activity', verbose_name='Activity')),
                        ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_reports', to='deputies.deputy', verbose_name='Deputy')),
                    ],
                    options={
                        'verbose_name': 'Duty report',
                        'verbose_name_plural': 'Duty reports',
                        'db_table': 'deputies_dutyreport',
                        'ordering': ['-scheduled_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='GroupActivityPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='Year')),
                        ('content', models.TextField(verbose_name='Plan')),
                        ('planned_activities', models.PositiveSmallIntegerField(default=0, verbose_name='Activities planned')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plans', to='deputies.deputygroup', verbose_name='Deputy group')),
                    ],
                    options={
                        'verbose_name': 'Group activity plan',
                        'verbose_name_plural': 'Group activity plans',
                        'db_table': 'deputies_groupactivityplan',
                        'ordering': ['-year', 'group'],
                    },
                ),
                migrations.CreateModel(
                    name='Participation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('participant', 'Participant'), ('leader', 'Leader'), ('speaker', 'Speaker'), ('observer', 'Observer')], default='participant', max_length=12, verbose_name='Role')),
                        ('status', models.CharField(choices=[('invited', 'Invited'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('attended', 'Attended'), ('absent', 'Absent'), ('excused', 'Excused')], default='invited', max_length=10, verbose_name='Status')),
                        ('reason', models.CharField(blank=True, help_text='Why the deputy declined or was excused.', max_length=200, verbose_name='Reason')),
                        ('walk_in', models.BooleanField(default=False, verbose_name='Came without invitation')),
                        ('activity_date', models.DateField(verbose_name='Activity date')),
                        ('activity_kind', models.CharField(choices=[('research', 'Research trip'), ('inspection', 'Inspection'), ('law_enforcement', 'Law-enforcement check'), ('symposium', 'Symposium'), ('briefing', 'Briefing'), ('government_bodies', 'Activity of the government, commission, court or procuratorate'), ('group', 'Deputy group activity'), ('professional_group', 'Professional group activity'), ('sc_meeting', 'Attending an SC meeting'), ('training', 'Training'), ('livelihood', 'Livelihood project supervision'), ('station', 'Station reception'), ('other', 'Other')], max_length=20, verbose_name='Kind')),
                        ('responded_at', models.DateTimeField(blank=True, null=True, verbose_name='Answered at')),
                        ('recorded_at', models.DateTimeField(blank=True, null=True, verbose_name='Recorded at')),
                        ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participations', to='activities.activity', verbose_name='Activity')),
                        ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='participations', to='deputies.deputy', verbose_name='Deputy')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Recorded by')),
                    ],
                    options={
                        'verbose_name': 'Participation',
                        'verbose_name_plural': 'Participations',
                        'db_table': 'deputies_participation',
                        'ordering': ['activity', 'deputy__name'],
                    },
                ),
                migrations.CreateModel(
                    name='SpecialSupervisor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(default='特约监督员', max_length=60, verbose_name='Title')),
                        ('start_date', models.DateField(verbose_name='From')),
                        ('end_date', models.DateField(blank=True, null=True, verbose_name='Until')),
                        ('body', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='special_supervisors', to='accounts.unit', verbose_name='Appointing body')),
                        ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supervisor_posts', to='deputies.deputy', verbose_name='Deputy')),
                    ],
                    options={
                        'verbose_name': 'Special supervisor',
                        'verbose_name_plural': 'Special supervisors',
                        'db_table': 'deputies_specialsupervisor',
                        'ordering': ['-start_date', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='activity',
                    index=models.Index(fields=['congress', 'start_date'], name='deputies_ac_congres_a8e668_idx'),
                ),
                migrations.AddConstraint(
                    model_name='activity',
                    constraint=models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='activity_dates_ordered'),
                ),
                migrations.AddConstraint(
                    model_name='groupactivityplan',
                    constraint=models.UniqueConstraint(fields=('group', 'year'), name='one_plan_per_group_year'),
                ),
                migrations.AddIndex(
                    model_name='participation',
                    index=models.Index(fields=['deputy', 'activity_date', 'activity_kind', 'status'], name='participation_archive_idx'),
                ),
                migrations.AddIndex(
                    model_name='participation',
                    index=models.Index(fields=['activity', 'status'], name='participation_activity_idx'),
                ),
                migrations.AddConstraint(
                    model_name='participation',
                    constraint=models.UniqueConstraint(fields=('activity', 'deputy'), name='participation_once_per_activity'),
                ),
                migrations.AddConstraint(
                    model_name='participation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'declined'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='declined_needs_reason'),
                ),
                migrations.AddConstraint(
                    model_name='specialsupervisor',
                    constraint=models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='supervisor_dates_ordered'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
