import core.fields
import accounts.validators
from django.db import migrations, models
from django.db.models import Q

from core.migration_ops import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0005_ledger_moved_to_activities"),
        ("accounts", "0006_mobile_encrypted"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="deputy", name="deputy_mobile_unique_per_term"),
        migrations.RemoveConstraint(model_name="deputy", name="deputy_id_number_unique_per_term"),
        migrations.AlterField(
            model_name="deputy",
            name="mobile",
            field=core.fields.EncryptedCharField(
                blank=True,
                hash_field="mobile_hash",
                max_length=11,
                purpose="mobile",
                validators=[accounts.validators.validate_mobile],
                verbose_name="Mobile number",
            ),
        ),
        migrations.AlterField(
            model_name="deputy",
            name="id_number",
            field=core.fields.EncryptedCharField(
                blank=True,
                hash_field="id_number_hash",
                max_length=18,
                normalize=core.fields.upper_strip,
                purpose="id_number",
                validators=[accounts.validators.validate_id_number],
                verbose_name="ID number",
            ),
        ),
        migrations.AlterField(
            model_name="deputy",
            name="address",
            field=core.fields.EncryptedCharField(blank=True, max_length=200, verbose_name="Address"),
        ),
        migrations.AddField(
            model_name="deputy",
            name="mobile_hash",
            field=core.fields.KeyedHashField(db_index=True, source="mobile"),
        ),
        migrations.AddField(
            model_name="deputy",
            name="id_number_hash",
            field=core.fields.KeyedHashField(db_index=True, source="id_number"),
        ),
        encrypt_columns("deputies", "Deputy", ["mobile", "id_number", "address"]),
        migrations.AddConstraint(
            model_name="deputy",
            constraint=models.UniqueConstraint(
                condition=~Q(mobile_hash=""), fields=("term", "mobile_hash"), name="deputy_mobile_unique_per_term"
            ),
        ),
        migrations.AddConstraint(
            model_name="deputy",
            constraint=models.UniqueConstraint(
                condition=~Q(id_number_hash=""),
                fields=("term", "id_number_hash"),
                name="deputy_id_number_unique_per_term",
            ),
        ),
    ]
