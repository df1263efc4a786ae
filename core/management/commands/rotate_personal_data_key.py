"""Re-encrypt every encrypted column under the current PERSONAL_DATA_KEY and rewrite the
keyed hashes beside them. Run it after moving the old secret to PERSONAL_DATA_OLD_KEYS and
setting the new one; once it has finished, the old secret can be removed."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.fields import EncryptedCharField, KeyedHashField

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt personal data under the current key and rewrite its lookup hashes."

    def handle(self, *args, **options):
        for model in apps.get_models():
            encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
            if not encrypted:
                continue
            hashes = [f for f in model._meta.concrete_fields if isinstance(f, KeyedHashField)]
            names = [f.name for f in (*encrypted, *hashes)]
            manager = model._base_manager
            done = 0
            last_pk = 0
            while True:
                with transaction.atomic():
                    # Rows are read decrypted (any configured key) and written encrypted under the
                    # current one; the hashes are recomputed from the plain values.
                    batch = list(
                        manager.select_for_update().filter(pk__gt=last_pk).order_by("pk").only("pk", *names)[:BATCH]
                    )
                    if not batch:
                        break
                    for obj in batch:
                        for field in hashes:
                            source = model._meta.get_field(field.source)
                            value = source.hash_of(getattr(obj, source.attname))
                            setattr(obj, field.attname, value or (None if field.null else ""))
                    manager.bulk_update(batch, names)
                done += len(batch)
                last_pk = batch[-1].pk
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
