"""Import/export of liaison stations and of contact assignments (admin, with preview and row errors).

A row names the station's congress and its attached deputies by name (separated by 、 or
commas), resolved among the deputies of that congress's current term; a name that matches
no deputy, or several, is an error of its row. Lookups are loaded once, before the rows.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader

from core.public_cache import public_pages_changed
from dataio.importing import (
    BoolWidget,
    ChoiceWidget,
    IdWidget,
    PortalResource,
    RefWidget,
    RowErrors,
    TextWidget,
    cell_text,
    chunked,
)
from deputies.models import Congress, Deputy, StandingCommitteeMember
from deputies.resources import NAME_WITH_ID, MembersWidget, RosterLookups, resolve_congress_term

from . import services_contacts
from .models import ContactAssignment, Station


class StationResource(PortalResource):
    id = Field(attribute="id", column_name=gettext_lazy("Record ID"), widget=IdWidget(), readonly=True)
    congress = Field(attribute="congress", column_name=gettext_lazy("Congress"), widget=RefWidget(Congress, "name"))
    kind = Field(attribute="kind", column_name=gettext_lazy("Kind"), widget=ChoiceWidget(Station.Kind))
    district = Field(attribute="district", column_name=gettext_lazy("District"), widget=TextWidget())
    street = Field(attribute="street", column_name=gettext_lazy("Street or town"), widget=TextWidget())
    name = Field(attribute="name", column_name=gettext_lazy("Name"), widget=TextWidget())
    address = Field(attribute="address", column_name=gettext_lazy("Station address"), widget=TextWidget())
    opening_hours = Field(attribute="opening_hours", column_name=gettext_lazy("Opening hours"), widget=TextWidget())
    contact_name = Field(attribute="contact_name", column_name=gettext_lazy("Contact person"), widget=TextWidget())
    contact_phone = Field(attribute="contact_phone", column_name=gettext_lazy("Contact phone"), widget=TextWidget())
    deputies = Field(attribute="deputies", column_name=gettext_lazy("Attached deputies"), widget=MembersWidget())
    is_active = Field(attribute="is_active", column_name=gettext_lazy("Open to the public"), widget=BoolWidget())

    # Station lists as districts publish them have neither: the congress defaults to the
    # importer's own, the kind is read from the name (see KIND_WORDS).
    required_fields = ("district", "name", "address")
    header_aliases = {
        "name": ("站点名称", "联络站名称", "站名", "阵地名称"),
        "address": ("地址", "详细地址", "站点位置"),
        "opening_hours": ("接待时间", "活动时间", "开放时间段"),
        "contact_phone": ("电话", "联系方式"),
        "district": ("所属区", "区县", "辖区", "所在区"),
        "street": ("街道", "街镇", "所属街道", "镇（街道）", "街道（镇、园区）"),
        "kind": ("类型", "阵地类型"),
    }
    # The kind a station's name gives away, most specific first.
    KIND_WORDS = (
        ("政务服务中心", Station.Kind.SERVICE_CENTER),
        ("专业代表工作站", Station.Kind.PROFESSIONAL),
        ("代表之家", Station.Kind.HOME),
        ("联络站", Station.Kind.STATION),
        ("联络点", Station.Kind.STATION),
        ("代表工作站", Station.Kind.STATION),
    )

    class Meta:
        model = Station
        fields = [
            "id",
            "congress",
            "kind",
            "district",
            "street",
            "name",
            "address",
            "opening_hours",
            "contact_name",
            "contact_phone",
            "deputies",
            "is_active",
        ]
        import_id_fields = ["id"]
        instance_loader_class = CachedInstanceLoader

    def scope_queryset(self, queryset):
        scope = self.scope_ids()
        queryset = queryset.select_related("congress").prefetch_related("deputies")
        return queryset if scope is None else queryset.filter(congress_id__in=scope)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # After commit only: a preview (dry run) rolls back, and its bump with it.
        public_pages_changed()

    def before_import(self, dataset, **kwargs):
        self.lookups = RosterLookups()
        self._seen_names = {}
        self._existing_names = {(c, n): pk for pk, c, n in Station.objects.values_list("pk", "congress_id", "name")}
        names = set()
        for value in self.column_values(dataset, "deputies"):
            names.update(MembersWidget().clean(value))
        names = {NAME_WITH_ID.match(n).group("name") if NAME_WITH_ID.match(n) else n for n in names}
        self._deputies = defaultdict(list)
        for chunk in chunked(names):
            for deputy in Deputy.objects.filter(name__in=chunk).only("pk", "name", "term_id", "congress_id"):
                self._deputies[(deputy.term_id, deputy.name)].append(deputy)

    def _deputy(self, term, text: str, errors: RowErrors):
        match = NAME_WITH_ID.match(text)
        name, pk = (match.group("name"), int(match.group("id"))) if match else (text, None)
        found = [d for d in self._deputies[(term.pk, name)] if pk is None or d.pk == pk]
        if len(found) == 1:
            return found[0]
        if not found:
            errors.add("deputies", _("%(term)s has no deputy named “%(name)s”.") % {"term": term, "name": text})
        else:
            errors.add(
                "deputies",
                _("Several deputies of %(term)s are named “%(name)s”; add the record ID, e.g. %(example)s.")
                % {"term": term, "name": name, "example": f"{name}（{found[0].pk}）"},
            )
        return None

    def _default_congress(self, errors: RowErrors):
        """A row without a congress: the importer's own (a district office imports its stations)."""
        congress = self.lookups.congress_by_pk(getattr(self.user, "congress_id", None))
        if congress is None or not self.in_scope(congress.pk):
            errors.add("congress", _("Fill in the congress: your account belongs to no congress."))
            return None
        return congress

    def _kind_from_name(self, name: str, errors: RowErrors):
        for word, kind in self.KIND_WORDS:
            if word in name:
                return kind
        errors.add(
            "kind",
            _("The kind cannot be told from the name “%(name)s”; fill in the column “%(column)s”.")
            % {"name": name, "column": self._labels["kind"]},
        )
        return None

    def apply_row(self, instance, values, row, errors, *, number, **kwargs):
        congress, _term = resolve_congress_term(self, self.lookups, values, errors)
        if congress is None and not values.get("congress") and "congress" not in errors:
            congress = instance.congress if instance.pk else self._default_congress(errors)
        if congress is not None:
            instance.congress = congress
        self.assign(
            instance,
            values,
            ("kind", "district", "street", "name", "address", "opening_hours", "contact_name", "contact_phone"),
        )
        if not values.get("kind") and instance.pk is None and values.get("name"):
            instance.kind = self._kind_from_name(values["name"], errors) or instance.kind
        if values.get("is_active") is not None:
            instance.is_active = values["is_active"]
        if congress is None:
            return
        instance._portal_deputies = None
        if "deputies" in values:
            term = self.lookups.current_term(congress)
            if term is None:
                if values["deputies"]:
                    errors.add("deputies", _("%(congress)s has no current term.") % {"congress": congress})
            else:
                found = [self._deputy(term, name, errors) for name in values["deputies"]]
                instance._portal_deputies = [d for d in found if d is not None]
        if values.get("name"):
            self.check_unique_name(
                errors,
                key=(congress.pk, values["name"]),
                name=values["name"],
                number=number,
                instance=instance,
                taken_message=lambda pk: (
                    _("%(congress)s already has a station named “%(name)s” (record %(id)s).")
                    % {"congress": congress, "name": values["name"], "id": pk}
                ),
            )

    # The stations' deputies: set after the row is saved (dataio.importing.PortalResource).
    m2m_import = ("deputies", "_portal_deputies")

    def dehydrate_deputies(self, station):
        return "、".join(d.name for d in station.deputies.all())


class ContactAssignmentResource(PortalResource):
    """One row per assignment: the congress, the SC member and the deputy, both by name (a
    name shared by several takes the record ID in brackets, e.g. 张三（12）), resolved in the
    congress's current term. Rows only add assignments; an existing pair is an error of its row."""

    id = Field(attribute="id", column_name=gettext_lazy("Record ID"), widget=IdWidget(), readonly=True)
    congress = Field(attribute="congress", column_name=gettext_lazy("Congress"), widget=TextWidget())
    member = Field(attribute="member", column_name=gettext_lazy("Standing committee member"), widget=TextWidget())
    deputy = Field(attribute="deputy", column_name=gettext_lazy("Deputy"), widget=TextWidget())

    required_fields = ("congress", "member", "deputy")

    class Meta:
        model = ContactAssignment
        fields = ["id", "congress", "member", "deputy"]
        import_id_fields = ["id"]
        instance_loader_class = CachedInstanceLoader

    def scope_queryset(self, queryset):
        scope = self.scope_ids()
        queryset = queryset.select_related("member__term__congress", "member__deputy", "deputy")
        return queryset if scope is None else queryset.filter(member__term__congress_id__in=scope)

    def before_import(self, dataset, **kwargs):
        self.lookups = RosterLookups()
        self._seen = {}
        names = set()
        for column in ("member", "deputy"):
            for value in self.column_values(dataset, column):
                text = cell_text(value)
                match = NAME_WITH_ID.match(text)
                names.add(match.group("name") if match else text)
        self._deputies = defaultdict(list)
        self._seats = defaultdict(list)
        for chunk in chunked(names):
            for deputy in Deputy.objects.filter(name__in=chunk).only("pk", "name", "term_id", "congress_id", "status"):
                self._deputies[(deputy.term_id, deputy.name)].append(deputy)
            seats = StandingCommitteeMember.objects.filter(
                deputy__name__in=chunk, end_date__isnull=True, term__is_current=True
            ).select_related("deputy", "term")
            for seat in seats:
                self._seats[(seat.term_id, seat.deputy.name)].append(seat)
        self._existing = set(ContactAssignment.objects.values_list("member_id", "deputy_id"))

    def _find(self, table, term, text, errors, column, key=lambda x: x.pk):
        match = NAME_WITH_ID.match(text)
        name, pk = (match.group("name"), int(match.group("id"))) if match else (text, None)
        found = [x for x in table[(term.pk, name)] if pk is None or key(x) == pk]
        if len(found) == 1:
            return found[0]
        if not found:
            message = (
                _("%(term)s has no current standing-committee member named “%(name)s”.")
                if column == "member"
                else _("%(term)s has no deputy named “%(name)s”.")
            )
            errors.add(column, message % {"term": term, "name": text})
        else:
            errors.add(
                column,
                _("Several deputies of %(term)s are named “%(name)s”; add the record ID, e.g. %(example)s.")
                % {"term": term, "name": name, "example": f"{name}（{key(found[0])}）"},
            )
        return None

    def apply_row(self, instance, values, row, errors, *, number, **kwargs):
        congress, _term = resolve_congress_term(self, self.lookups, values, errors)
        if congress is None:
            return
        term = self.lookups.current_term(congress)
        if term is None:
            errors.add("congress", _("%(congress)s has no current term.") % {"congress": congress})
            return
        member = self._find(self._seats, term, values.get("member", ""), errors, "member", key=lambda s: s.deputy_id)
        deputy = self._find(self._deputies, term, values.get("deputy", ""), errors, "deputy")
        if member is None or deputy is None:
            return
        instance.member, instance.deputy = member, deputy
        key = (member.pk, deputy.pk)
        if key in self._seen:
            errors.add("deputy", _("This pair is also in row %(row)d of this file.") % {"row": self._seen[key]})
            return
        self._seen[key] = number
        try:
            services_contacts.assignment_check(instance)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.add(name if name in ("member", "deputy") else None, messages)

    def dehydrate_congress(self, assignment):
        return assignment.member.term.congress.name

    def dehydrate_member(self, assignment):
        return assignment.member.deputy.name

    def dehydrate_deputy(self, assignment):
        return assignment.deputy.name
