"""Model fields for personal data encrypted at rest.

``EncryptedCharField`` keeps its value encrypted in the database (core/crypto.py) and plain in
Python. Where records are looked up by the value (login by mobile, duplicate ID numbers) it
names a ``KeyedHashField`` beside it, and its ``exact``, ``iexact`` and ``in`` lookups compare
that hash column instead: ``User.objects.filter(mobile="13900001111")`` works as before and
never sends the number to the database. Every other lookup (``contains``, ``startswith``, …)
is refused, since it cannot work on ciphertext; search by the whole value (``=mobile`` in an
admin's ``search_fields``).
"""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup

from .crypto import decrypt, encrypt, is_encrypted, keyed_hash, keyed_hashes


def _strip(value: str) -> str:
    return value.strip()


def upper_strip(value: str) -> str:
    """Normaliser for ID numbers: the check letter X in either case is the same number."""
    return value.strip().upper()


class EncryptedCharField(models.CharField):
    """A ``CharField`` stored encrypted. ``max_length`` limits the plain value; the column
    is ``text`` since ciphertext is longer."""

    def __init__(self, *args, hash_field: str | None = None, purpose: str = "", normalize=_strip, **kwargs):
        self.hash_field = hash_field
        self.purpose = purpose
        self.normalize = normalize
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.hash_field:
            kwargs["hash_field"] = self.hash_field
        if self.purpose:
            kwargs["purpose"] = self.purpose
        if self.normalize is not _strip:
            kwargs["normalize"] = self.normalize
        return name, path, args, kwargs

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def to_python(self, value):
        if isinstance(value, str) and is_encrypted(value):
            return decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or is_encrypted(value):
            return value
        return encrypt(str(value))

    def hash_of(self, value) -> str:
        return keyed_hash(self.normalize(str(value)), self.purpose) if value else ""

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name in _HASHED_LOOKUPS and self.hash_field:
            return _HASHED_LOOKUPS[lookup_name]
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return None


class KeyedHashField(models.CharField):
    """The keyed hash of another field's value, kept in step on every save (``pre_save``)
    and by ``EncryptedFieldsMixin.save`` when only some fields are saved."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        source = model_instance._meta.get_field(self.source)
        value = source.hash_of(getattr(model_instance, source.attname))
        if not value and self.null:
            value = None
        setattr(model_instance, self.attname, value)
        return value


class EncryptedFieldsMixin:
    """For models with ``KeyedHashField`` columns: ``save(update_fields=[…])`` naming an
    encrypted field also saves its hash, so the two never disagree."""

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = set(update_fields)
            for field in self._meta.concrete_fields:
                if isinstance(field, KeyedHashField) and field.source in update_fields:
                    update_fields.add(field.name)
        super().save(*args, update_fields=update_fields, **kwargs)


class _HashedLookup(Lookup):
    """Compares the hash column that stands beside an encrypted one."""

    prepare_rhs = False

    def get_prep_lookup(self):
        return self.rhs

    def _hash_column(self, compiler):
        if not isinstance(self.lhs, Col):
            raise FieldError("An encrypted field can only be compared as a column")
        field = self.lhs.target
        hash_field = field.model._meta.get_field(field.hash_field)
        return field, compiler.compile(Col(self.lhs.alias, hash_field, hash_field))

    def _empty(self, compiler):
        sql, params = compiler.compile(self.lhs)
        return f"({sql} = '' OR {sql} IS NULL)", list(params)

    def _values(self, field, values) -> list[str]:
        hashes = []
        for value in values:
            if hasattr(value, "resolve_expression"):
                raise FieldError("An encrypted field can only be compared with a value")
            hashes.extend(keyed_hashes(field.normalize(str(value)), field.purpose))
        return hashes


class _HashedExact(_HashedLookup):
    lookup_name = "exact"

    def as_sql(self, compiler, connection):
        if self.rhs in ("", None):
            return self._empty(compiler)
        field, (sql, params) = self._hash_column(compiler)
        hashes = self._values(field, [self.rhs])
        return f"{sql} IN ({', '.join(['%s'] * len(hashes))})", [*params, *hashes]


class _HashedIExact(_HashedExact):
    lookup_name = "iexact"


class _HashedIn(_HashedLookup):
    lookup_name = "in"

    def as_sql(self, compiler, connection):
        values = [v for v in self.rhs if v not in ("", None)]
        field, (sql, params) = self._hash_column(compiler)
        hashes = self._values(field, values)
        if not hashes:
            return "1 = 0", []
        return f"{sql} IN ({', '.join(['%s'] * len(hashes))})", [*params, *hashes]


class _EmptyOnlyExact(_HashedLookup):
    """An encrypted field with no hash beside it can only be tested for being empty."""

    lookup_name = "exact"

    def as_sql(self, compiler, connection):
        if self.rhs in ("", None):
            return self._empty(compiler)
        raise FieldError("This encrypted field cannot be looked up by its value")


_HASHED_LOOKUPS = {"exact": _HashedExact, "iexact": _HashedIExact, "in": _HashedIn}
