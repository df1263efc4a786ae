"""Shared machinery of the portal's import/export resources (deputies, units, groups, accounts).

What every resource built on ``PortalResource`` gets:

- Column names are translatable labels. An import accepts each header in Chinese or in
  English (or the field name), so a file exported in one UI language re-imports in the other.
- Whole-file checks before any row is read: unknown, duplicated and missing required columns.
- Every bad row is reported with its spreadsheet row number (the header is row 1) and one
  reason per column; nothing is written unless every row is valid (all-or-nothing, whoever
  calls ``import_data``).
- The actor (``user=``, which import-export passes to every hook, or ``request.user``) scopes
  rows to their congresses: the admin's queryset already does so for exports, and an import
  row naming another congress is a row error.
- Personal data is masked on export unless the actor may see it, and an unmasked export
  writes a ``SecurityEvent.Kind.EXPORT_PERSONAL`` audit row; an import that writes leaves
  one ``SecurityEvent.Kind.IMPORT`` row.
"""

import copy
import datetime
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.results import Result, RowResult

from accounts import roles
from accounts.audit import audit
from accounts.middleware import current_request
from accounts.models import SecurityEvent
from accounts.roles import can_view_personal_data
from accounts.validators import normalize_mobile, validate_id_number, validate_mobile

from . import exporting
from .formats import ImportFileError, gc_paused

# Up to this many rows the preview shows each row's values; a bigger file shows totals
# only (a 10,000-row table helps nobody and costs seconds to diff and render).
PREVIEW_MAX_ROWS = 500
# SQLite refuses statements with very many parameters: look values up in chunks there.
# PostgreSQL takes a whole roster's values in one statement.
LOOKUP_CHUNK = 900
LOOKUP_CHUNK_POSTGRES = 20_000


_UNKNOWN = object()


# Columns every import leaves out: the row numbers a sheet starts with (序号, "No.").
IGNORED_HEADERS = frozenset({"序号", "no.", "no"})


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def cell_text(value) -> str:
    """A cell as the text a person typed: 1975.0 -> '1975', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def in_languages(label) -> set[str]:
    """A lazy label in every UI language (Chinese and English)."""
    texts = {str(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(str(label))
    return texts


def chunked(values: Iterable, size: int | None = None):
    if size is None:
        from django.db import connection

        size = LOOKUP_CHUNK_POSTGRES if connection.vendor == "postgresql" else LOOKUP_CHUNK
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def column_set(widget, values: Iterable) -> set:
    """The distinct values of a column that a widget accepts, for look-ups done once before
    the rows are checked (a bad cell is reported by its row later)."""
    found = set()
    for value in values:
        try:
            found.add(widget.clean(value))
        except ValueError:
            continue
    return found - {"", None}


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


# --- Widgets: one cell <-> one Python value. They raise ValueError with a message for people. ---


class TextWidget(widgets.Widget):
    """Text. An empty cell is '' when the field may be blank, else None ("leave as it is")."""

    def __init__(self, blank: bool = True):
        super().__init__(coerce_to_string=True)
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return "" if self.blank else None
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


TRUE_WORDS = {"是", "y", "yes", "1", "true", "t", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "0", "false", "f", "×", "✗"}


class BoolWidget(widgets.Widget):
    """是/否, Y/N, yes/no, 1/0, true/false. Exported as 是/否 (Yes/No in English)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value)
        if not text:
            return None
        if text.casefold() in TRUE_WORDS:
            return True
        if text.casefold() in FALSE_WORDS:
            return False
        raise ValueError(
            _("“%(value)s” is not a yes/no value; write 是 or 否 (Y/N, 1/0 and true/false also work).")
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("Yes") if value else _("No")


class PresenceWidget(BoolWidget):
    """Yes when the attribute is set (e.g. a linked account), No otherwise."""

    def render(self, value, obj=None, **kwargs):
        return _("Yes") if value else _("No")


class ChoiceWidget(widgets.Widget):
    """A choice by its label in any UI language, or by its code; exported as the label."""

    def __init__(self, choices):
        super().__init__(coerce_to_string=True)
        self.choices = choices
        self._lookup = None

    def _table(self) -> dict[str, str]:
        if self._lookup is None:
            self._lookup = {}
            for code, label in self.choices.choices:
                self._lookup[code.casefold()] = code
                for text in in_languages(label):
                    self._lookup[text.casefold()] = code
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        code = self._table().get(text.casefold())
        if code is None:
            labels = "、".join(str(label) for _code, label in self.choices.choices)
            raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": labels})
        return code

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


_MONTH, _DAY = r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = re.compile(
    rf"^(\d{{4}})(?:\s*年"  # 1975年
    rf"|\s*[./\-]\s*{_MONTH}(?:\s*[./\-]\s*{_DAY})?"  # 1975.03, 1975-03-01
    rf"|\s*年\s*{_MONTH}\s*月(?:\s*{_DAY}\s*日)?"  # 1975年3月, 1975年3月1日
    rf"|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])?"  # 197503, 19750301
    r")?$"
)


class YearWidget(widgets.Widget):
    _this_year = None

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.date):  # a date cell ("出生年月" as a date)
            value = value.year
        text = cell_text(value)
        if not text:
            return None
        # Four digits, or a year with its month (and day) as rosters write a birth month:
        # 1975, 1975年, 1975.03, 1975.3 (typed as a number), 1975年3月, 1975-03, 197503, 1975/3/1.
        match = _YEAR.match(text)
        year = int(match.group(1)) if match else 0
        if self._this_year is None:  # once per import: each resource has its own widgets
            self._this_year = timezone.localdate().year
        if not 1900 <= year <= self._this_year:
            raise ValueError(
                _("“%(value)s” is not a year; write four digits, e.g. 1975.") % {"value": cell_text(value)}
            )
        return year

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class DateWidget(widgets.Widget):
    """A date cell, or text such as 2022-01-05, 2022/1/5, 2022年1月5日 or 20220105."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        # "2022-01-05 00:00:00" is what a date cell looks like once saved as CSV.
        text = re.sub(r"\s+00:00(:00)?$", "", text)
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it like 2022-01-05.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MobileWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        mobile = normalize_mobile(text)
        if not mobile:
            return ""
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            raise ValueError(f"“{text}”: {exc.messages[0]}")
        return mobile

    def render(self, value, obj=None, **kwargs):
        return value or ""


class IdNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).upper()
        if not text:
            return ""
        try:
            validate_id_number(text)
        except ValidationError as exc:
            raise ValueError(f"“{text}”: {exc.messages[0]}")
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class EmailWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(_("“%(value)s” is not an e-mail address.") % {"value": text})
        local, _at, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}"

    def render(self, value, obj=None, **kwargs):
        return value or ""


class RefWidget(widgets.ForeignKeyWidget):
    """A related record by name. Cleaning returns the text: the resource resolves it in
    context (a unit's name is unique only within its congress) from lookups loaded once."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return getattr(value, self.field, "") or ""


class NumberWidget(widgets.Widget):
    """A whole number from 0 to 32767 (seats, order)."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if not text.isdigit() or int(text) > 32767:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class IdWidget(widgets.Widget):
    """The record ID. Never raises: import-export's cached loader cleans every row's ID
    before any row is checked, so a bad ID is reported by the resource instead."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return int(text) if text.isdigit() else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


# --- Results and errors ---


class PortalResult(Result):
    """Row numbers as the spreadsheet shows them: the header is row 1, data starts at row 2."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)


class RowErrors:
    """The problems of one row, keyed by column label (so the preview names the column)."""

    def __init__(self, labels: dict[str, str]):
        self.labels = labels
        self.by_column: dict[str, list[str]] = {}

    def add(self, field_name: str | None, message) -> None:
        key = self.labels.get(field_name, NON_FIELD_ERRORS) if field_name else NON_FIELD_ERRORS
        messages = message if isinstance(message, list) else [message]
        self.by_column.setdefault(key, []).extend(str(m) for m in messages)

    def __contains__(self, field_name) -> bool:
        return self.labels.get(field_name) in self.by_column

    def __bool__(self) -> bool:
        return bool(self.by_column)

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.by_column)


def scope_message(congress) -> str:
    return _(
        "“%(congress)s” is not your congress; you may only import records of your own congress and the congresses below it."
    ) % {"congress": congress}


class PortalResource(resources.ModelResource):
    #: Field names that must be present as columns and need a value in every row.
    required_fields: tuple[str, ...] = ()
    #: Field name -> masking function: masked on export for people without the permission,
    #: not importable by them, and an unmasked export is audited.
    personal_fields: dict[str, Callable[[str], str]] = {}
    #: Field name -> further accepted headers (lazy labels or plain text).
    header_aliases: dict[str, tuple] = {}
    #: Fields whose empty cell on an existing record means "leave as it is" rather than "clear".
    #: (Widgets return None for those; see TextWidget(blank=False).)

    @classmethod
    def get_result_class(cls):
        return PortalResult

    def __init__(self, request=None, user=None, **kwargs):
        super().__init__(**kwargs)
        self.request = request
        self.user = user if user is not None else getattr(request, "user", None)
        # Per-instance options: the diff is switched off for big files and for the real
        # import (see import_data_inner) without touching the class.
        self._meta = copy.copy(type(self)._meta)
        # Column names in the language of this request, as plain text: headers are
        # matched against them and they must not change in the middle of an import.
        self._labels: dict[str, str] = {}
        self._name_of: dict[int, str] = {}
        for name, field in self.fields.items():
            field.column_name = str(field.column_name)
            self._labels[name] = field.column_name
            self._name_of[id(field)] = name
        self._import_fields = None
        self._show_personal = None
        self._scope = _UNKNOWN
        self._present: set[str] = set()
        self._to_read: list[str] = []
        self._ignored_personal: set[str] = set()
        self._seen_ids: dict[int, int] = {}
        self._max_lengths: dict[str, int | None] = {}
        self._row_skip = False
        self._export_format = None
        self._export_approval = None

    # --- the actor ---

    def can_see_personal(self) -> bool:
        if self._show_personal is None:
            self._show_personal = can_view_personal_data(self.user)
        return self._show_personal

    def scope_ids(self) -> list[int] | None:
        """Congress ids the actor may import into or export from; None means all.

        Asked once per row: kept for the import or export under way (reset when one starts)."""
        if self._scope is _UNKNOWN:
            if self.user is None or not getattr(self.user, "is_authenticated", False):
                self._scope = []
            else:
                scope = roles.congress_scope_ids(self.user)
                self._scope = None if scope is None else frozenset(scope)
        return None if self._scope is None else list(self._scope)

    def in_scope(self, congress_id) -> bool:
        self.scope_ids()
        return self._scope is None or congress_id in self._scope

    def scope_queryset(self, queryset):
        """The records the actor may export or update; subclasses filter by congress."""
        return queryset

    def check_permission(self) -> list[str]:
        """Whole-file refusals before any row is read (the admin checks too; other callers may not)."""
        opts = self._meta.model._meta
        if not (roles.is_staff_member(self.user) and self.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")):
            return [_("You may not import %(things)s.") % {"things": opts.verbose_name_plural}]
        return []

    def get_queryset(self):
        return self.scope_queryset(self._meta.model.objects.all())

    # --- columns ---

    def get_import_fields(self):
        if self._import_fields is None:
            hidden = set() if self.can_see_personal() else set(self.personal_fields)
            self._import_fields = [f for f in super().get_import_fields() if self._name_of[id(f)] not in hidden]
        return self._import_fields

    def importable_names(self) -> list[str]:
        return [self._name_of[id(f)] for f in self.get_import_fields() if not f.readonly]

    @staticmethod
    def header_key(text) -> str:
        # Spaces, the * people put on required columns, and case do not matter.
        return re.sub(r"[\s*＊]", "", str(text)).casefold()

    def _header_map(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for name in self.fields:
            names = {name, *in_languages(type(self).fields[name].column_name)}
            for alias in self.header_aliases.get(name, ()):
                names |= in_languages(alias)
            for text in names:
                mapping.setdefault(self.header_key(text), name)
        return mapping

    def normalise_headers(self, dataset) -> list[str]:
        """Rename the file's headers to this request's labels; return whole-file problems."""
        from openpyxl.utils import get_column_letter

        mapping, problems = self._header_map(), []
        headers, found, unknown, blank = [], {}, [], []
        for index, header in enumerate(dataset.headers or []):
            if not is_empty(header) and self.header_key(header) in IGNORED_HEADERS:
                # The row-number column rosters begin with: not data, dropped.
                headers.append(f"__blank_{index}")
                blank.append(f"__blank_{index}")
                continue
            if is_empty(header):
                if any(not is_empty(row[index]) for row in dataset):
                    problems.append(
                        _("Column %(column)s has values but no column name.") % {"column": get_column_letter(index + 1)}
                    )
                headers.append(f"__blank_{index}")
                blank.append(f"__blank_{index}")
                continue
            name = mapping.get(self.header_key(header))
            if name is None:
                unknown.append(str(header))
                headers.append(str(header))
            elif name in found:
                problems.append(
                    _("The columns “%(first)s” and “%(second)s” both mean “%(label)s”; keep one of them.")
                    % {"first": found[name], "second": header, "label": self._labels[name]}
                )
                headers.append(str(header))
            else:
                found[name] = str(header)
                headers.append(self._labels[name])
        if unknown:
            known = "、".join(self._labels[n] for n in self.importable_names())
            problems.append(
                _("Unknown columns: %(columns)s. This import reads these columns: %(known)s.")
                % {"columns": "、".join(f"“{h}”" for h in unknown), "known": known}
            )
        missing = [self._labels[n] for n in self.required_fields if n not in found]
        if missing:
            problems.append(_("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)})
        if not problems:
            dataset.headers = headers
            for header in blank:
                del dataset[header]
            self._present = set(found)
            self._to_read = [n for n in self.importable_names() if n in self._present]
            hidden = set(self.personal_fields) - {self._name_of[id(f)] for f in self.get_import_fields()}
            self._ignored_personal = self._present & hidden
        return problems

    def column_values(self, dataset, name, rows: list[int] | None = None) -> list:
        """The cells of a column (of the rows with these indexes, if given)."""
        label = self._labels[name]
        if name not in self._present or label not in (dataset.headers or []):
            return []
        values = dataset[label]
        return values if rows is None else [values[i] for i in rows]

    # --- import ---

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        # All-or-nothing whoever calls: one bad row and nothing is written.
        with gc_paused():
            return super().import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=raise_errors,
                use_transactions=True,
                collect_failed_rows=collect_failed_rows,
                rollback_on_validation_errors=True,
                **kwargs,
            )

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        self.user = kwargs.get("user") or self.user
        self.request = kwargs.get("request") or self.request or current_request()
        self._import_fields, self._show_personal, self._seen_ids = None, None, {}
        self._scope = _UNKNOWN
        if not getattr(self.user, "is_authenticated", False):
            problems = [_("An import needs the person who runs it.")]
        else:
            problems = self.check_permission() or self.normalise_headers(dataset)
        if not problems and not len(dataset):
            problems = [_("The file has column names but no data rows.")]
        if problems:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            for problem in problems:
                result.append_base_error(self.get_error_result_class()(ImportFileError(problem)))
            return result
        # The diff is for the preview only: skip it (and its deep copy of every row) for
        # the real import and for files too big to preview row by row.
        self._meta.skip_diff = not dry_run or len(dataset) > PREVIEW_MAX_ROWS
        return super().import_data_inner(
            dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
        )

    def import_instance(self, instance, row, **kwargs):
        """Parse every cell, resolve names, check the row; raise one ValidationError listing all problems."""
        self._row_skip = False
        if all(is_empty(v) for v in row.values()):
            # A blank line in the middle of a sheet: nothing to import, nothing wrong.
            self._row_skip = True
            return
        number = kwargs.get("row_number", 0) + 1
        errors = RowErrors(self._labels)
        self._check_record_id(instance, row, errors, number)
        values = {}
        for name in self._to_read:
            field = self.fields[name]
            raw = row.get(field.column_name)
            if name in self.personal_fields and "*" in cell_text(raw):
                # A masked value from an export: keep the stored value it stands for.
                if instance.pk and self.personal_fields[name](getattr(instance, field.attribute)) == cell_text(raw):
                    continue
                errors.add(name, _("This value is masked (it contains *); enter the full value."))
                continue
            try:
                value = field.widget.clean(raw, row=row)
            except (ValueError, ValidationError) as exc:
                errors.add(name, _messages(exc))
                continue
            if name in self.required_fields and value in ("", None):
                errors.add(name, _("This column needs a value."))
                continue
            limit = self._max_length(field.attribute)
            if isinstance(value, str) and limit and len(value) > limit:
                errors.add(
                    name,
                    _("At most %(limit)d characters (this has %(length)d).") % {"limit": limit, "length": len(value)},
                )
                continue
            values[name] = value
        for name in self._ignored_personal:
            raw = cell_text(row.get(self._labels[name]))
            if raw and "*" not in raw:
                errors.add(
                    name,
                    _("You may not import personal data (mobile number, ID number, address); leave this column empty."),
                )
        before = self._snapshot(instance) if instance.pk else None
        self.apply_row(instance, values, row, errors, number=number, **kwargs)
        if errors:
            raise errors.as_validation_error()
        self._row_skip = (
            before is not None and before == self._snapshot(instance) and not self.has_side_effects(instance)
        )

    def apply_row(self, instance, values: dict, row, errors: RowErrors, *, number: int, **kwargs) -> None:
        """Resolve references, check the row against the file and the database, set attributes.

        Every resource built on this class defines it."""
        raise TypeError(f"{type(self).__name__} must define apply_row()")

    def assign(self, instance, values: dict, names: Iterable[str]) -> None:
        """Set parsed values. An empty cell (None) clears a nullable field and leaves any other as it is."""
        opts = self._meta.model._meta
        for name in names:
            if name not in values:
                continue
            attribute, value = self.fields[name].attribute, values[name]
            if value is None and not opts.get_field(attribute).null:
                continue
            setattr(instance, attribute, value)

    #: A many-to-many set from a column: (the model's field, the instance attribute apply_row
    #: leaves the chosen objects in, None when the column is absent). Written after the row.
    m2m_import: tuple[str, str] | None = None

    def has_side_effects(self, instance) -> bool:
        """True when saving the row does more than the snapshot shows (e.g. creates an account,
        or changes the ``m2m_import`` set, which the snapshot of the row's fields cannot see)."""
        if self.m2m_import is None:
            return False
        field, attribute = self.m2m_import
        chosen = getattr(instance, attribute, None)
        if chosen is None or instance.pk is None:
            return chosen is not None
        return {obj.pk for obj in chosen} != set(getattr(instance, field).values_list("pk", flat=True))

    def save_m2m(self, instance, row, **kwargs):
        if self.m2m_import is None:
            return super().save_m2m(instance, row, **kwargs)
        field, attribute = self.m2m_import
        chosen = getattr(instance, attribute, None)
        if chosen is not None and (kwargs.get("using_transactions") or not kwargs.get("dry_run")):
            getattr(instance, field).set(chosen)

    def check_unique_name(self, errors: RowErrors, *, key, name: str, number: int, instance, taken_message) -> None:
        """A name unique within ``key`` (a congress, a term): refused when an earlier row of the
        file or another record already has it. Needs ``self._seen_names`` ({key: row}) and
        ``self._existing_names`` ({key: pk}) from before_import; ``taken_message(pk)`` words the
        clash with a stored record."""
        if key in self._seen_names:
            errors.add(
                "name",
                _("%(name)s is also in row %(row)d of this file.") % {"name": name, "row": self._seen_names[key]},
            )
        self._seen_names.setdefault(key, number)
        existing = self._existing_names.get(key)
        if existing is not None and existing != instance.pk:
            errors.add("name", taken_message(existing))

    def _check_record_id(self, instance, row, errors: RowErrors, number: int) -> None:
        if "id" not in self._present:
            return
        raw = row.get(self._labels["id"])
        if is_empty(raw):
            return
        pk = self.fields["id"].widget.clean(raw)
        if pk is None:
            errors.add(
                "id",
                _("“%(value)s” is not a record ID; leave the cell empty for a new record.") % {"value": cell_text(raw)},
            )
        elif instance.pk is None:
            errors.add(
                "id",
                _("There is no record %(id)s among the records you may change; leave the cell empty for a new record.")
                % {"id": pk},
            )
        elif pk in self._seen_ids:
            errors.add(
                "id", _("Record %(id)s is also in row %(row)d of this file.") % {"id": pk, "row": self._seen_ids[pk]}
            )
        else:
            self._seen_ids[pk] = number

    def _max_length(self, attribute) -> int | None:
        # Asked for every cell of every row: look each field up once.
        if attribute not in self._max_lengths:
            try:
                field = self._meta.model._meta.get_field(attribute)
            except Exception:
                limit = None
            else:
                limit = None if field.is_relation else getattr(field, "max_length", None)
            self._max_lengths[attribute] = limit
        return self._max_lengths[attribute]

    @staticmethod
    def _snapshot(instance) -> tuple:
        return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Blank lines and rows that change nothing are "skipped": a re-imported export
        # touches no record and logs no change.
        return not import_validation_errors and self._row_skip

    def _guarded(self, result, raise_errors, operation) -> None:
        # A savepoint of its own: a database error in one batch (someone added the same
        # mobile number meanwhile) must not poison the transaction; it is reported, and
        # the whole import rolls back.
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                operation()
        except Exception as exc:
            message = _(
                "The database refused the data (%(error)s). Someone may have changed the same records meanwhile; nothing was imported."
            ) % {"error": exc}
            self.handle_import_error(result, ImportFileError(message), raise_errors)

    # A preview (dry run) of a bulk resource writes nothing: import-export would insert every
    # row and roll back, which costs as much as the import itself. What the database would
    # refuse (the per-term uniqueness of mobiles and ID numbers) the resources check in bulk
    # before the rows are read, and the confirmation checks and writes again.

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.create_instances.clear()
        if self.create_instances:
            try:
                self._guarded(
                    result,
                    raise_errors,
                    lambda: self._meta.model.objects.bulk_create(self.create_instances, batch_size=batch_size),
                )
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.update_instances.clear()
        if self.update_instances:
            fields = self.get_bulk_update_fields()
            try:
                self._guarded(
                    result,
                    raise_errors,
                    lambda: self._meta.model.objects.bulk_update(self.update_instances, fields, batch_size=batch_size),
                )
            finally:
                self.update_instances.clear()

    def get_bulk_update_fields(self):
        return [f.name for f in self._meta.model._meta.concrete_fields if not f.primary_key]

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        new, updated = result.totals[RowResult.IMPORT_TYPE_NEW], result.totals[RowResult.IMPORT_TYPE_UPDATE]
        if new or updated:
            audit(
                SecurityEvent.Kind.IMPORT,
                request=self.request,
                actor=self.user,
                model=self._meta.model._meta.label,
                rows=new + updated,
                new=new,
                updated=updated,
                file=(kwargs.get("file_name") or "")[:200] or None,
            )

    # --- export ---
    # Personal values leave the portal in clear only for holders of both the permission to
    # see them and ``dataio.export_personal_data`` (see dataio/exporting.py). Without the
    # export permission every personal column is left out of the file; with it but without
    # the right to see them the masked fields are masked and the e-mail is left out.

    def personal_export_names(self) -> list[str]:
        """The personal columns of this resource, in export order."""
        personal = set(self.personal_fields) | {n for n in exporting.ALWAYS_PERSONAL if n in self.fields}
        return [n for n in self.get_export_order() if n in personal]

    def can_export_personal(self) -> bool:
        return exporting.may_export_personal(self.user)

    def left_out_names(self) -> set[str]:
        """Personal columns this actor's exports never hold."""
        if not self.can_export_personal():
            return set(self.personal_export_names())
        if not self.can_see_personal():
            return set(self.personal_export_names()) - set(self.personal_fields)
        return set()

    def clear_personal_names(self, selected=None) -> list[str]:
        """The personal columns an export of ``selected`` (None: all) gives this actor in clear."""
        if not (self.can_export_personal() and self.can_see_personal()):
            return []
        return [n for n in self.personal_export_names() if not selected or n in selected]

    def get_export_fields(self, selected_fields=None):
        hidden = self.left_out_names()
        return [f for f in super().get_export_fields(selected_fields) if self._name_of.get(id(f)) not in hidden]

    def export(self, queryset=None, **kwargs):
        # Our own options; the widgets never see them.
        self._export_format = kwargs.pop("export_format", None)
        self._export_approval = kwargs.pop("export_approval", None)
        return super().export(queryset, **kwargs)

    def before_export(self, queryset, **kwargs):
        self._show_personal, self._scope = None, _UNKNOWN
        if queryset is None:
            return
        columns = self.clear_personal_names(kwargs.get("export_fields"))
        if columns and self._export_approval is None:
            rows = self.filter_export(queryset).count()
            if exporting.over_limit(rows):
                exporting.refuse(
                    self.request or current_request(),
                    self.user,
                    model=self._meta.model._meta.label,
                    rows=rows,
                    columns=columns,
                    fmt=self._export_format,
                    query="",
                )
                raise exporting.ExportRefused(exporting.refusal_message(rows))

    def filter_export(self, queryset, **kwargs):
        # The admin's queryset is already scoped; scoping again keeps any other caller honest.
        return self.scope_queryset(queryset)

    def export_field(self, field, instance, **kwargs):
        name = self._name_of[id(field)]
        method = getattr(self, f"dehydrate_{name}", None)
        value = method(instance) if method is not None else field.export(instance, **kwargs)
        if name in self.personal_fields and not self.can_see_personal():
            value = self.personal_fields[name](value)
        return value

    def after_export(self, queryset, dataset, **kwargs):
        if not len(dataset):
            return
        columns = self.clear_personal_names(kwargs.get("export_fields"))
        if columns:
            approval = self._export_approval
            audit(
                SecurityEvent.Kind.EXPORT_PERSONAL,
                request=self.request or current_request(),
                actor=self.user,
                model=self._meta.model._meta.label,
                rows=len(dataset),
                columns=columns,
                format=self._export_format,
                approval=getattr(approval, "pk", None),
            )
