"""Import/export of the roster: deputies, electoral units and deputy/professional groups.

Rows name their congress, term and electoral unit (a unit's name is unique within its
congress; the term defaults to the congress's current term). Every lookup a row needs is
loaded once in ``before_import``, so a 10,000-row file costs a handful of queries plus the
bulk inserts, not a query per row. See portal/importing.py for what all resources share.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader

from accounts import roles
from accounts.models import User
from accounts.services import user_create_many, user_sync_roles_many
from accounts.validators import normalize_mobile
from core.masking import mask_address, mask_id_number, mask_mobile
from dataio.importing import (
    BoolWidget,
    ChoiceWidget,
    DateWidget,
    EmailWidget,
    IdNumberWidget,
    IdWidget,
    MobileWidget,
    NumberWidget,
    PortalResource,
    PresenceWidget,
    RefWidget,
    RowErrors,
    TextWidget,
    YearWidget,
    cell_text,
    chunked,
    column_set,
    scope_message,
)

from .models import Congress, Deputy, DeputyGroup, ElectoralUnit, Term
from .workflow import DEPUTY_STATUS

# Statuses that hold one of the electoral unit's seats (a suspended deputy keeps the mandate).
SEAT_HOLDING = (Deputy.Status.PENDING, Deputy.Status.SERVING, Deputy.Status.SUSPENDED)

# A name with its record ID, as exported when two deputies of a term share a name: 张伟（123）
NAME_WITH_ID = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<id>\d+)\s*[)）]$")
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


class RosterLookups:
    """Congresses, terms and electoral units by name: small tables, read once per import."""

    def __init__(self):
        congresses = list(Congress.objects.all())
        self._congress_by_name = {c.name: c for c in congresses}
        self._congress_by_pk = {c.pk: c for c in congresses}
        short = defaultdict(list)
        for c in congresses:
            if c.short_name:
                short[c.short_name].append(c)
        # A short name (市, 玄武区) counts only where it is unambiguous.
        self._congress_by_short = {name: found[0] for name, found in short.items() if len(found) == 1}
        self._terms = defaultdict(list)
        for term in Term.objects.select_related("congress"):
            self._terms[term.congress_id].append(term)
        self._units = {(u.congress_id, u.name): u for u in ElectoralUnit.objects.all()}

    def congress(self, text: str) -> Congress | None:
        return self._congress_by_name.get(text) or self._congress_by_short.get(text)

    def congress_by_pk(self, pk) -> Congress | None:
        return self._congress_by_pk.get(pk)

    def current_term(self, congress: Congress) -> Term | None:
        return next((t for t in self._terms[congress.pk] if t.is_current), None)

    def term(self, congress: Congress, text: str) -> Term | None:
        for term in self._terms[congress.pk]:
            if text in (term.name, str(term.number), str(term)):
                return term
        return None

    def unit(self, congress: Congress, text: str) -> ElectoralUnit | None:
        return self._units.get((congress.pk, text))

    def add_unit(self, unit: ElectoralUnit) -> None:
        self._units[(unit.congress_id, unit.name)] = unit


def resolve_congress_term(resource: PortalResource, lookups: RosterLookups, values: dict, errors: RowErrors):
    """The row's congress (in the actor's scope) and term (current unless the row names one)."""
    congress = term = None
    if values.get("congress"):
        congress = lookups.congress(values["congress"])
        if congress is None:
            errors.add("congress", _("There is no congress named “%(name)s”.") % {"name": values["congress"]})
        elif not resource.in_scope(congress.pk):
            errors.add("congress", scope_message(congress))
            congress = None
    if congress is not None and "term" in resource.fields:
        if values.get("term"):
            term = lookups.term(congress, values["term"])
            if term is None:
                errors.add(
                    "term", _("%(congress)s has no term “%(term)s”.") % {"congress": congress, "term": values["term"]}
                )
        else:
            term = lookups.current_term(congress)
            if term is None:
                errors.add(
                    "term",
                    _("%(congress)s has no current term; fill in the column “%(column)s”.")
                    % {"congress": congress, "column": resource._labels["term"]},
                )
    return congress, term


class PlannedAccount:
    """An account a row will create: later rows for the same person link to it."""

    def __init__(self, name: str, row: int):
        self.name, self.row = name, row

    def __str__(self):
        return _("%(name)s (row %(row)d)") % {"name": self.name, "row": self.row}


class DeputyResource(PortalResource):
    """Deputies (mandates). Required columns: congress, electoral unit, name, gender.

    - "Record ID" empty: a new deputy; filled: an update of that deputy (only among the
      actor's congresses). An import never changes a status: that is a status change.
    - Mobile and ID number are unique per term, checked against the file and the database.
    - "Create account" 是: the deputy gets a login account (accounts.services.user_create,
      no usable password until the invitation is accepted), or is linked to the person's
      existing account found by mobile number (one person, one account); the deputy role
      follows (user_sync_roles) once the rows exist. The preview creates no accounts.
    - Rows are written with bulk inserts of 1,000; a file's look-ups run once, in before_import.
    """

    id = Field(attribute="id", column_name=gettext_lazy("Record ID"), widget=IdWidget(), readonly=True)
    congress = Field(attribute="congress", column_name=gettext_lazy("Congress"), widget=RefWidget(Congress, "name"))
    term = Field(attribute="term", column_name=gettext_lazy("Term"), widget=RefWidget(Term, "name"))
    electoral_unit = Field(
        attribute="electoral_unit", column_name=gettext_lazy("Electoral unit"), widget=RefWidget(ElectoralUnit, "name")
    )
    name = Field(attribute="name", column_name=gettext_lazy("Full name"), widget=TextWidget())
    gender = Field(attribute="gender", column_name=gettext_lazy("Gender"), widget=ChoiceWidget(Deputy.Gender))
    ethnicity = Field(attribute="ethnicity", column_name=gettext_lazy("Ethnicity"), widget=TextWidget(blank=False))
    birth_year = Field(attribute="birth_year", column_name=gettext_lazy("Birth year"), widget=YearWidget())
    party = Field(attribute="party", column_name=gettext_lazy("Party"), widget=TextWidget())
    occupation = Field(attribute="occupation", column_name=gettext_lazy("Occupation"), widget=TextWidget())
    employer = Field(attribute="employer", column_name=gettext_lazy("Employer and position"), widget=TextWidget())
    is_grassroots = Field(attribute="is_grassroots", column_name=gettext_lazy("Grassroots deputy"), widget=BoolWidget())
    mobile = Field(attribute="mobile", column_name=gettext_lazy("Mobile number"), widget=MobileWidget())
    id_number = Field(attribute="id_number", column_name=gettext_lazy("ID number"), widget=IdNumberWidget())
    address = Field(attribute="address", column_name=gettext_lazy("Address"), widget=TextWidget())
    email = Field(attribute="email", column_name=gettext_lazy("E-mail"), widget=EmailWidget())
    elected_on = Field(attribute="elected_on", column_name=gettext_lazy("Elected on"), widget=DateWidget())
    status = Field(attribute="status", column_name=gettext_lazy("Status"), widget=ChoiceWidget(Deputy.Status))
    is_public = Field(attribute="is_public", column_name=gettext_lazy("Shown publicly"), widget=BoolWidget())
    public_bio = Field(attribute="public_bio", column_name=gettext_lazy("Public biography"), widget=TextWidget())
    # Exported as "has an account"; on import 是 creates (or links) the login account.
    # The attribute is set per row (after_init_instance, apply_row) so that the preview
    # shows the planned account before it exists.
    create_account = Field(
        attribute="portal_has_account", column_name=gettext_lazy("Create account"), widget=PresenceWidget()
    )

    required_fields = ("congress", "electoral_unit", "name", "gender")
    personal_fields = {"mobile": mask_mobile, "id_number": mask_id_number, "address": mask_address}
    header_aliases = {
        "name": (gettext_lazy("Name"), "姓名"),
        "mobile": ("手机", "手机号"),
        "id_number": ("身份证号", "公民身份号码"),
        "employer": ("工作单位", "单位及职务"),
        # Rosters give the birth month (1975.03, 1975年3月) or date; the year is kept.
        "birth_year": ("出生年月", "出生日期", "出生年月日"),
        "party": ("政治面貌",),
        "is_grassroots": ("基层代表",),
        "create_account": (gettext_lazy("Login account"), gettext_lazy("Has an account"), "开通账号"),
    }
    SIMPLE = (
        "name",
        "gender",
        "ethnicity",
        "birth_year",
        "party",
        "occupation",
        "employer",
        "is_grassroots",
        "mobile",
        "id_number",
        "address",
        "email",
        "elected_on",
        "is_public",
        "public_bio",
    )

    class Meta:
        model = Deputy
        fields = [
            "id",
            "congress",
            "term",
            "electoral_unit",
            "name",
            "gender",
            "ethnicity",
            "birth_year",
            "party",
            "occupation",
            "employer",
            "is_grassroots",
            "mobile",
            "id_number",
            "address",
            "email",
            "elected_on",
            "status",
            "is_public",
            "public_bio",
            "create_account",
        ]
        import_id_fields = ["id"]
        # One query for every record ID in the file instead of one per row.
        instance_loader_class = CachedInstanceLoader
        use_bulk = True
        batch_size = 1000

    def scope_queryset(self, queryset):
        scope = self.scope_ids()
        queryset = queryset.select_related("congress", "term", "electoral_unit")
        return queryset if scope is None else queryset.filter(congress_id__in=scope)

    def check_permission(self):
        if not (roles.is_staff_member(self.user) and self.user.has_perm("deputies.change_deputy")):
            return [_("Only deputy-work office staff may import the roster.")]
        return []

    def before_import(self, dataset, **kwargs):
        self.lookups = RosterLookups()
        # Look-up keys need only the normalised text: a cell that is not valid matches no
        # stored value and is reported by its row (validating here would check every cell twice).
        mobiles = {normalize_mobile(cell_text(v)) for v in self.column_values(dataset, "mobile")} - {""}
        id_numbers = {cell_text(v).upper() for v in self.column_values(dataset, "id_number")} - {""}
        # Who already holds each mobile / ID number, per term (the database's uniqueness rules).
        self._db_mobile, self._db_id_number = {}, {}
        for chunk in chunked(mobiles):
            for pk, term_id, mobile, name in Deputy.objects.filter(mobile__in=chunk).values_list(
                "pk", "term_id", "mobile", "name"
            ):
                self._db_mobile[(term_id, mobile)] = (pk, name)
        for chunk in chunked(id_numbers):
            for pk, term_id, number, name in Deputy.objects.filter(id_number__in=chunk).values_list(
                "pk", "term_id", "id_number", "name"
            ):
                self._db_id_number[(term_id, number)] = (pk, name)
        self._seen_mobile, self._seen_id_number = {}, {}
        # Accounts that a "create account" row may link to instead of duplicating: only the
        # rows that ask for one need them (one row in ten, say, of a new term's roster).
        wanted = self._account_rows(dataset)
        mobiles = column_set(MobileWidget(), self.column_values(dataset, "mobile", rows=wanted))
        emails = column_set(EmailWidget(), self.column_values(dataset, "email", rows=wanted))
        self._users = {("mobile", m): None for m in mobiles} | {("email", e): None for e in emails}
        for chunk in chunked(mobiles):
            for user in User.objects.filter(mobile__in=chunk):
                self._users[("mobile", user.mobile)] = user
        for chunk in chunked(emails):
            for user in User.objects.filter(email__in=chunk):
                self._users[("email", user.email)] = user
        self._can_create_accounts = roles.is_staff_member(self.user) and self.user.has_perm("accounts.change_user")
        self._users_to_sync = {}
        # Rows whose new account is still to be made ((deputy, PlannedAccount)), and the
        # accounts made so far per plan: made in bulk just before each batch of deputies.
        self._pending_accounts = []
        self._made_accounts = {}
        # Seats taken per (term, electoral unit): one grouped query, kept up to date row by row.
        self._seats_taken = {
            (row["term_id"], row["electoral_unit_id"]): row["n"]
            for row in Deputy.objects.filter(status__in=SEAT_HOLDING)
            .values("term_id", "electoral_unit_id")
            .annotate(n=Count("id"))
        }
        self._unit_rows = {}

    def _account_rows(self, dataset) -> list[int]:
        """Indexes of the rows whose "create account" cell says yes (a bad cell counts: its
        row is reported later)."""
        widget, wanted = BoolWidget(), []
        for index, value in enumerate(self.column_values(dataset, "create_account")):
            try:
                if not widget.clean(value):
                    continue
            except ValueError:
                pass
            wanted.append(index)
        return wanted

    def _user_by(self, field: str, value: str):
        key = (field, value)
        if key not in self._users:
            self._users[key] = User.objects.filter(**{field: value}).first()
        return self._users[key]

    def apply_row(self, instance, values, row, errors, *, number, **kwargs):
        held_before = (
            (instance.term_id, instance.electoral_unit_id) if instance.pk and instance.status in SEAT_HOLDING else None
        )
        congress, term = resolve_congress_term(self, self.lookups, values, errors)
        unit = None
        if congress is not None and values.get("electoral_unit"):
            unit = self.lookups.unit(congress, values["electoral_unit"])
            if unit is None:
                errors.add(
                    "electoral_unit",
                    _("%(congress)s has no electoral unit named “%(name)s”.")
                    % {"congress": congress, "name": values["electoral_unit"]},
                )
        if congress is not None:
            instance.congress = congress
        if term is not None:
            instance.term = term
        if unit is not None:
            instance.electoral_unit = unit
        self.assign(instance, values, self.SIMPLE)

        status = values.get("status")
        if instance.pk is None:
            if status and status not in (Deputy.Status.SERVING, Deputy.Status.PENDING):
                errors.add(
                    "status",
                    _("A new deputy is “%(serving)s” or “%(pending)s”; other statuses come from a status change.")
                    % {"serving": Deputy.Status.SERVING.label, "pending": Deputy.Status.PENDING.label},
                )
            elif status:
                DEPUTY_STATUS.start(instance, status)
        elif status and status != instance.status:
            # Status changes have legal grounds, dates and vacancies: they go through the service.
            errors.add("status", _("An import cannot change a deputy's status; record a status change instead."))

        if term is not None:
            self._check_unique(instance, values, errors, number, term, "mobile", self._seen_mobile, self._db_mobile)
            self._check_unique(
                instance, values, errors, number, term, "id_number", self._seen_id_number, self._db_id_number
            )
        instance._portal_account = None
        if values.get("create_account") and not instance.user_id:
            self._plan_account(instance, errors, number)
        if term is not None and unit is not None and not errors:
            self._check_seats(instance, unit, term, held_before, errors)
        instance._portal_unit = unit

    def _check_seats(self, instance, unit, term, held_before, errors):
        """An electoral unit elects ``seats`` deputies a term: a row that would give it one more
        deputy than that is refused (the import wrote 284 deputies into a 39-seat district)."""
        seat = (term.pk, unit.pk)
        if instance.status not in SEAT_HOLDING or held_before == seat:
            return
        taken = self._seats_taken.get(seat, 0)
        if unit.seats is not None and taken >= unit.seats:
            errors.add(
                "electoral_unit",
                _(
                    "%(unit)s elects %(seats)d deputies and all %(seats)d seats are taken (by the roster and"
                    " the rows above): this deputy would be one too many. Record the vacancy first, or"
                    " correct the electoral unit."
                )
                % {"unit": unit.name, "seats": unit.seats},
            )
            return
        self._seats_taken[seat] = taken + 1
        if held_before is not None:  # moved from another unit: that seat is free again
            self._seats_taken[held_before] = self._seats_taken.get(held_before, 1) - 1

    def import_instance(self, instance, row, **kwargs):
        """Counts each row under its electoral unit for the preview (new, changed, with problems)."""
        instance._portal_unit = None
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError:
            self._count_row(instance, "errors")
            raise
        if not self._row_skip:
            self._count_row(instance, "updated" if instance.pk else "new")

    def _count_row(self, instance, kind: str):
        unit = getattr(instance, "_portal_unit", None)
        key = unit.pk if unit is not None else None
        counts = self._unit_rows.setdefault(key, {"unit": unit, "new": 0, "updated": 0, "errors": 0})
        counts[kind] += 1
        counts["term_id"] = instance.term_id

    def unit_summary(self) -> list[dict]:
        """Per electoral unit of the file: new, changed and refused rows, and the seats still free
        of the file's term (None where the unit's seats are not recorded)."""
        lines = []
        for counts in self._unit_rows.values():
            unit = counts["unit"]
            left = None
            if unit is not None and unit.seats is not None:
                left = unit.seats - self._seats_taken.get((counts["term_id"], unit.pk), 0)
            lines.append({**counts, "name": unit.name if unit else _("(no electoral unit found)"), "seats_left": left})
        return sorted(lines, key=lambda line: (line["unit"] is None, line["name"]))

    def _check_unique(self, instance, values, errors, number, term, name, seen, in_db):
        value = values.get(name)
        if not value:
            return
        key, label = (term.pk, value), self._labels[name]
        if key in seen:
            errors.add(
                name,
                _("%(column)s %(value)s is also in row %(row)d of this file.")
                % {"column": label, "value": value, "row": seen[key]},
            )
        else:
            seen[key] = number
        owner = in_db.get(key)
        if owner is not None and owner[0] != instance.pk:
            errors.add(
                name,
                _("%(column)s %(value)s already belongs to deputy %(name)s (record %(id)s) of this term.")
                % {"column": label, "value": value, "name": owner[1], "id": owner[0]},
            )

    def _plan_account(self, instance, errors, number):
        if not self._can_create_accounts:
            errors.add("create_account", _("You may not create login accounts."))
            return
        mobile, email = instance.mobile, instance.email
        if not mobile and not email:
            errors.add("create_account", _("A login account needs a mobile number or an e-mail address."))
            return
        # One person, one account: a deputy who already has an account (a mandate at
        # another level, say) is linked to it, found by mobile number first.
        by_mobile = self._user_by("mobile", mobile) if mobile else None
        by_email = self._user_by("email", email) if email else None
        if by_email is not None and by_email != by_mobile and (by_mobile is not None or mobile):
            errors.add(
                "create_account",
                _(
                    "The e-mail address %(email)s already belongs to the account of %(name)s; correct it or leave it empty."
                )
                % {"email": email, "name": by_email},
            )
            return
        plan = by_mobile or by_email
        if plan is None:
            plan = PlannedAccount(instance.name, number)
            for field, value in (("mobile", mobile), ("email", email)):
                if value:
                    self._users[(field, value)] = plan
        instance._portal_account = plan
        instance.portal_has_account = True

    def has_side_effects(self, instance):
        return getattr(instance, "_portal_account", None) is not None

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.portal_has_account = instance.user_id is not None

    def dehydrate_create_account(self, deputy):
        return self.fields["create_account"].widget.render(deputy.user_id)

    def before_save_instance(self, instance, row, **kwargs):
        plan = getattr(instance, "_portal_account", None)
        if plan is None:
            return
        if isinstance(plan, PlannedAccount):
            if kwargs.get("dry_run"):
                # The preview creates no accounts (and writes no audit rows for them): every
                # clash with an existing account was checked against the database already.
                return
            # Made with the batch's other new accounts, before the batch's deputies are written.
            self._pending_accounts.append((instance, plan))
            return
        instance.user = plan
        self._users_to_sync[plan.pk] = plan

    def _make_pending_accounts(self):
        """The accounts the rows of this batch asked for, in two bulk inserts (the accounts and
        their audit rows, ``accounts.services.user_create_many``); rows planned for the same
        person (found by mobile or e-mail) share one account."""
        pending, self._pending_accounts = self._pending_accounts, []
        first_rows = {}  # each plan's first row: the person's name, mobile and e-mail
        for instance, plan in pending:
            if plan not in self._made_accounts:
                first_rows.setdefault(plan, instance)
        people = [
            {"full_name": plan.name, "email": instance.email or None, "mobile": instance.mobile or None}
            for plan, instance in first_rows.items()
        ]
        users = user_create_many(actor=self.user, people=people, request=self.request)
        self._made_accounts.update(zip(first_rows, users, strict=True))
        for instance, plan in pending:
            user = self._made_accounts[plan]
            instance.user = user
            self._users_to_sync[user.pk] = user

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not dry_run and self._pending_accounts:
            self._guarded(result, raise_errors, self._make_pending_accounts)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not dry_run and self._pending_accounts:
            self._guarded(result, raise_errors, self._make_pending_accounts)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def after_import(self, dataset, result, **kwargs):
        result.group_summary = self.unit_summary()
        # The deputy rows exist only after the last bulk insert: the deputy role follows now.
        if not kwargs.get("dry_run") and not (result.has_errors() or result.has_validation_errors()):
            user_sync_roles_many(users=self._users_to_sync.values())
        super().after_import(dataset, result, **kwargs)


class ElectoralUnitResource(PortalResource):
    id = Field(attribute="id", column_name=gettext_lazy("Record ID"), widget=IdWidget(), readonly=True)
    congress = Field(attribute="congress", column_name=gettext_lazy("Congress"), widget=RefWidget(Congress, "name"))
    name = Field(attribute="name", column_name=gettext_lazy("Name"), widget=TextWidget())
    code = Field(attribute="code", column_name=gettext_lazy("Code"), widget=TextWidget())
    electing_congress = Field(
        attribute="electing_congress", column_name=gettext_lazy("Electing congress"), widget=RefWidget(Congress, "name")
    )
    seats = Field(attribute="seats", column_name=gettext_lazy("Seats"), widget=NumberWidget())
    order = Field(attribute="order", column_name=gettext_lazy("Order"), widget=NumberWidget())

    required_fields = ("congress", "name")

    class Meta:
        model = ElectoralUnit
        fields = ["id", "congress", "name", "code", "electing_congress", "seats", "order"]
        import_id_fields = ["id"]
        instance_loader_class = CachedInstanceLoader

    def scope_queryset(self, queryset):
        scope = self.scope_ids()
        queryset = queryset.select_related("congress", "electing_congress")
        return queryset if scope is None else queryset.filter(congress_id__in=scope)

    def before_import(self, dataset, **kwargs):
        self.lookups = RosterLookups()
        self._seen_names = {}

    def apply_row(self, instance, values, row, errors, *, number, **kwargs):
        congress, _term = resolve_congress_term(self, self.lookups, values, errors)
        if values.get("electing_congress"):
            electing = self.lookups.congress(values["electing_congress"])
            if electing is None:
                errors.add(
                    "electing_congress",
                    _("There is no congress named “%(name)s”.") % {"name": values["electing_congress"]},
                )
            elif not self.in_scope(electing.pk):
                errors.add("electing_congress", scope_message(electing))
            else:
                instance.electing_congress = electing
        elif "electing_congress" in values:
            instance.electing_congress = None
        if congress is not None:
            instance.congress = congress
        self.assign(instance, values, ("name", "code", "seats", "order"))
        if congress is None or not values.get("name"):
            return
        key = (congress.pk, values["name"])
        if key in self._seen_names:
            errors.add(
                "name",
                _("%(name)s is also in row %(row)d of this file.")
                % {"name": values["name"], "row": self._seen_names[key]},
            )
        self._seen_names.setdefault(key, number)
        existing = self.lookups.unit(congress, values["name"])
        if existing is not None and existing.pk != instance.pk:
            errors.add(
                "name",
                _("%(congress)s already has an electoral unit named “%(name)s” (record %(id)s).")
                % {"congress": congress, "name": values["name"], "id": existing.pk},
            )


class MembersWidget(TextWidget):
    """Deputies by name, separated by 、 or commas; the resource resolves them within the term."""

    def clean(self, value, row=None, **kwargs):
        return [part.strip() for part in LIST_SEPARATORS.split(cell_text(value)) if part.strip()]

    def render(self, value, obj=None, **kwargs):
        try:
            return "、".join(d.name for d in value.all()) if value is not None else ""
        except ValueError:  # an unsaved group has no members yet
            return ""


class DeputyGroupResource(PortalResource):
    id = Field(attribute="id", column_name=gettext_lazy("Record ID"), widget=IdWidget(), readonly=True)
    congress = Field(attribute="congress", column_name=gettext_lazy("Congress"), widget=RefWidget(Congress, "name"))
    term = Field(attribute="term", column_name=gettext_lazy("Term"), widget=RefWidget(Term, "name"))
    kind = Field(attribute="kind", column_name=gettext_lazy("Kind"), widget=ChoiceWidget(DeputyGroup.Kind))
    name = Field(attribute="name", column_name=gettext_lazy("Name"), widget=TextWidget())
    electoral_unit = Field(
        attribute="electoral_unit", column_name=gettext_lazy("Electoral unit"), widget=RefWidget(ElectoralUnit, "name")
    )
    field = Field(attribute="field", column_name=gettext_lazy("Field"), widget=TextWidget())
    leader = Field(attribute="leader", column_name=gettext_lazy("Leader"), widget=RefWidget(Deputy, "name"))
    members = Field(attribute="members", column_name=gettext_lazy("Members"), widget=MembersWidget())

    required_fields = ("congress", "name")

    m2m_import = ("members", "_portal_members")

    class Meta:
        model = DeputyGroup
        fields = ["id", "congress", "term", "kind", "name", "electoral_unit", "field", "leader", "members"]
        import_id_fields = ["id"]
        instance_loader_class = CachedInstanceLoader

    def scope_queryset(self, queryset):
        scope = self.scope_ids()
        queryset = queryset.select_related("congress", "term", "electoral_unit", "leader").prefetch_related("members")
        return queryset if scope is None else queryset.filter(congress_id__in=scope)

    def before_import(self, dataset, **kwargs):
        self.lookups = RosterLookups()
        self._seen_names = {}
        self._existing_names = dict(
            ((term_id, name), pk) for pk, term_id, name in DeputyGroup.objects.values_list("pk", "term_id", "name")
        )
        names = set()
        for column in ("leader", "members"):
            for value in self.column_values(dataset, column):
                names.update(MembersWidget().clean(value))
        names = {NAME_WITH_ID.match(n).group("name") if NAME_WITH_ID.match(n) else n for n in names}
        # Deputies of each term by name: a name may be shared, so each maps to a list.
        self._deputies = defaultdict(list)
        for chunk in chunked(names):
            for deputy in Deputy.objects.filter(name__in=chunk).only("pk", "name", "term_id", "congress_id"):
                self._deputies[(deputy.term_id, deputy.name)].append(deputy)

    def _deputy(self, term, text: str, column: str, errors: RowErrors):
        match = NAME_WITH_ID.match(text)
        name, pk = (match.group("name"), int(match.group("id"))) if match else (text, None)
        found = [d for d in self._deputies[(term.pk, name)] if pk is None or d.pk == pk]
        if len(found) == 1:
            return found[0]
        if not found:
            errors.add(column, _("%(term)s has no deputy named “%(name)s”.") % {"term": term, "name": text})
        else:
            errors.add(
                column,
                _("Several deputies of %(term)s are named “%(name)s”; add the record ID, e.g. %(example)s.")
                % {"term": term, "name": name, "example": f"{name}（{found[0].pk}）"},
            )
        return None

    def apply_row(self, instance, values, row, errors, *, number, **kwargs):
        congress, term = resolve_congress_term(self, self.lookups, values, errors)
        if congress is not None:
            instance.congress = congress
        if term is not None:
            instance.term = term
        self.assign(instance, values, ("kind", "name", "field"))
        if congress is not None:
            if values.get("electoral_unit"):
                unit = self.lookups.unit(congress, values["electoral_unit"])
                if unit is None:
                    errors.add(
                        "electoral_unit",
                        _("%(congress)s has no electoral unit named “%(name)s”.")
                        % {"congress": congress, "name": values["electoral_unit"]},
                    )
                instance.electoral_unit = unit
            elif "electoral_unit" in values:
                instance.electoral_unit = None
        if term is None:
            return
        if values.get("leader"):
            instance.leader = self._deputy(term, values["leader"], "leader", errors)
        elif "leader" in values:
            instance.leader = None
        instance._portal_members = None
        if "members" in values:
            members = [self._deputy(term, name, "members", errors) for name in values["members"]]
            instance._portal_members = [m for m in members if m is not None]
        if values.get("name"):
            self.check_unique_name(
                errors,
                key=(term.pk, values["name"]),
                name=values["name"],
                number=number,
                instance=instance,
                taken_message=lambda pk: (
                    _("%(term)s already has a group named “%(name)s” (record %(id)s).")
                    % {"term": term, "name": values["name"], "id": pk}
                ),
            )

    # Export: a name shared by two deputies of a term gets its record ID, so it re-imports.
    def before_export(self, queryset, **kwargs):
        super().before_export(queryset, **kwargs)
        self._ambiguous = set(
            Deputy.objects.values("term_id", "name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("term_id", "name")
        )

    def _label(self, deputy) -> str:
        if (deputy.term_id, deputy.name) in getattr(self, "_ambiguous", set()):
            return f"{deputy.name}（{deputy.pk}）"
        return deputy.name

    def dehydrate_leader(self, group):
        return self._label(group.leader) if group.leader_id else ""

    def dehydrate_members(self, group):
        return "、".join(self._label(d) for d in group.members.all())
