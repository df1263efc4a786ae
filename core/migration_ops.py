"""Migration helpers for encrypting columns that held plain values."""

from django.db import migrations


def encrypt_columns(app_label: str, model_name: str, fields: list[str]):
    """A RunPython that rewrites ``fields`` of every row encrypted (their hash columns
    filled), in batches; the reverse writes the plain values back."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        hash_fields = [f for f in model._meta.concrete_fields if getattr(f, "source", None) in fields]
        names = [*fields, *(f.name for f in hash_fields)]
        rows = model._base_manager.using(schema_editor.connection.alias).only("pk", *fields).order_by("pk")
        batch = []
        for obj in rows.iterator(chunk_size=1000):
            for hash_field in hash_fields:
                value = model._meta.get_field(hash_field.source).hash_of(getattr(obj, hash_field.source))
                setattr(obj, hash_field.attname, value or (None if hash_field.null else ""))
            batch.append(obj)
            if len(batch) >= 1000:
                model._base_manager.using(schema_editor.connection.alias).bulk_update(batch, names)
                batch = []
        if batch:
            model._base_manager.using(schema_editor.connection.alias).bulk_update(batch, names)

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            for obj in model._base_manager.using(schema_editor.connection.alias).only("pk", *fields).iterator():
                sets = ", ".join(f"{schema_editor.quote_name(model._meta.get_field(f).column)} = %s" for f in fields)
                cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*(getattr(obj, f) for f in fields), obj.pk])

    return migrations.RunPython(forward, backward, elidable=False)
