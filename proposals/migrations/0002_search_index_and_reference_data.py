"""The full-text index (PostgreSQL only) and the reference data every installation needs."""

from django.db import migrations

CATEGORIES = [
    ("A", "已解决或基本解决", False, 1),
    ("B", "正在解决或列入计划解决", True, 2),
    ("C", "因条件限制留作参考", False, 3),
]
FIELDS = ["经济发展", "城乡建设", "交通出行", "教育", "医疗卫生", "社会保障", "生态环境", "文化旅游", "农业农村", "社会治理", "法治建设", "其他"]


def add_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS suggestion_search_gin ON proposals_suggestion "
            "USING GIN (to_tsvector('simple', search_text))"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS suggestion_search_gin")


def add_reference_data(apps, schema_editor):
    ReplyCategory = apps.get_model("proposals", "ReplyCategory")
    Field = apps.get_model("proposals", "Field")
    for code, name, commits, order in CATEGORIES:
        ReplyCategory.objects.get_or_create(code=code, defaults={"name": name, "creates_commitment": commits, "order": order})
    for order, name in enumerate(FIELDS):
        Field.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [
        migrations.RunPython(add_gin_index, drop_gin_index),
        migrations.RunPython(add_reference_data, migrations.RunPython.noop),
    ]
