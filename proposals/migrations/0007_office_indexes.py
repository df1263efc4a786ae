"""Indexes of the office's pages and scans: the office list's newest-first order (partial: what
the office sees, with the congress for its scope) and the assignments that owe a reply, by
deadline (the dashboard's overdue count, the reminder scan)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0006_public_search_vector")]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                fields=["-submitted_at", "-id", "congress"],
                condition=~models.Q(status="draft") | models.Q(entered_by_staff=True),
                name="suggestion_office_order_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["deadline", "suggestion"],
                condition=models.Q(status__in=["assigned", "rehandling"]),
                name="assignment_open_deadline_idx",
            ),
        ),
    ]
