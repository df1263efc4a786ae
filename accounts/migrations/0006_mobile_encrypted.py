import core.fields
import accounts.validators
from django.db import migrations

from core.migration_ops import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_audit_chain_and_lockout"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="mobile",
            field=core.fields.EncryptedCharField(
                blank=True,
                hash_field="mobile_hash",
                max_length=11,
                null=True,
                purpose="mobile",
                validators=[accounts.validators.validate_mobile],
                verbose_name="Mobile number",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="mobile_hash",
            field=core.fields.KeyedHashField(null=True, source="mobile"),
        ),
        encrypt_columns("accounts", "User", ["mobile"]),
        migrations.AlterField(
            model_name="user",
            name="mobile_hash",
            field=core.fields.KeyedHashField(null=True, source="mobile", unique=True),
        ),
    ]
