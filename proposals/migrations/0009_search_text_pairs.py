"""Re-index ``search_text`` with character pairs beside jieba's words (core.search), so the
two-character words jieba cut apart (东侧/道/路旁 hid 道路) are found in existing suggestions too.
PostgreSQL's generated ``search_vector`` follows the column by itself. About a minute per 100,000
suggestions (jieba runs in Python)."""

from django.db import migrations

from core.search import segment_for_index


def reindex(apps, schema_editor):
    Suggestion = apps.get_model("proposals", "Suggestion")
    Reply = apps.get_model("proposals", "Reply")
    replies = {}
    for suggestion_id, text in Reply.objects.values_list("assignment__suggestion_id", "text").iterator():
        replies.setdefault(suggestion_id, []).append(text)
    batch = []
    indexed = Suggestion.objects.exclude(search_text="").only("pk", "title", "body")
    for item in indexed.iterator(chunk_size=2000):
        item.search_text = segment_for_index(" ".join([item.title, item.body, *replies.get(item.pk, [])]))
        batch.append(item)
        if len(batch) >= 2000:
            Suggestion.objects.bulk_update(batch, ["search_text"])
            batch = []
    Suggestion.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("proposals", "0008_handling_views_extensions_urging")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
