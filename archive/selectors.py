"""The performance archive (履职档案): a query over the activity ledger and what each app registers."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from accounts import roles
from activities.models import Activity, DeputyLetter, Participation
from deputies.models import Deputy
from deputies.selectors import deputy_list_for_staff

P = Participation.Status


def archive_deputy_get_for_actor(*, actor, deputy_id: int) -> Deputy:
    """The deputy whose archive the actor may open: their own, or any in a staff member's scope."""
    deputy = Deputy.objects.select_related("congress", "term", "electoral_unit", "user").filter(pk=deputy_id).first()
    if deputy is None:
        raise Http404
    if deputy.user_id is not None and deputy.user_id == actor.pk:
        return deputy
    if roles.is_staff_member(actor):
        if roles.deputy_in_scope(actor, deputy):
            return deputy
    raise PermissionDenied


def archive_summary(*, deputy: Deputy, year: int) -> dict:
    """Counts per activity kind, this year and this term (the mandate), from the participations.

    One grouped query; kinds with no participation come back as zero.
    """
    in_year = Q(activity_date__year=year)
    rows = (
        Participation.objects.filter(deputy=deputy)
        .order_by()
        .values("activity_kind")
        .annotate(
            attended_year=Count("pk", filter=in_year & Q(status=P.ATTENDED)),
            attended_term=Count("pk", filter=Q(status=P.ATTENDED)),
            invited_year=Count("pk", filter=in_year),
            absent_year=Count("pk", filter=in_year & Q(status=P.ABSENT)),
            excused_year=Count("pk", filter=in_year & Q(status__in=[P.EXCUSED, P.DECLINED])),
        )
    )
    by_kind = {row["activity_kind"]: row for row in rows}
    kinds = []
    totals = dict.fromkeys(["attended_year", "attended_term", "invited_year", "absent_year", "excused_year"], 0)
    for value, label in Activity.Kind.choices:
        row = by_kind.get(value, {})
        item = {"kind": value, "label": label, **{k: row.get(k, 0) for k in totals}}
        for k in totals:
            totals[k] += item[k]
        kinds.append(item)
    return {"year": year, "kinds": kinds, "totals": totals}


def archive_timeline(*, deputy: Deputy, year: int | None = None):
    qs = Participation.objects.filter(deputy=deputy).select_related("activity").order_by("-activity_date", "-pk")
    if year:
        qs = qs.filter(activity_date__year=year)
    return qs


def archive_extras(*, deputy: Deputy) -> dict:
    """What else belongs in the archive: letters, duty reports, supervisor posts, SC seats."""
    return {
        "letters": list(DeputyLetter.objects.filter(deputy=deputy).select_related("body").order_by("-received_on")),
        "duty_reports": list(deputy.duty_reports.order_by("-scheduled_on")),
        "supervisor_posts": list(deputy.supervisor_posts.select_related("body").order_by("-start_date")),
        "sc_seats": list(deputy.sc_seats.select_related("term")),
        "groups": list(deputy.groups.all()),
    }


ARCHIVE_ORDERINGS = {
    "name": ("name", "pk"),
    "-attended_year": ("-attended_year", "name", "pk"),
    "attended_year": ("attended_year", "name", "pk"),
    "-attended_term": ("-attended_term", "name", "pk"),
    "attended_term": ("attended_term", "name", "pk"),
    "-absent_year": ("-absent_year", "name", "pk"),
    "absent_year": ("absent_year", "name", "pk"),
    "-name": ("-name", "-pk"),
    "electoral_unit": ("electoral_unit__order", "electoral_unit__name", "name", "pk"),
}


def archive_list_for_staff(
    *,
    actor,
    year: int,
    congress_id: int | None = None,
    electoral_unit_id: int | None = None,
    grassroots: bool | None = None,
    no_activity: bool = False,
    q: str = "",
    order: str = "name",
):
    """Deputies in the staff member's scope with their yearly and term counts, for sorting and filtering.

    The counts are one grouped aggregate over the participations (no query per row).
    """
    if not roles.is_staff_member(actor):
        raise PermissionDenied
    qs = deputy_list_for_staff(actor=actor).filter(term__is_current=True).exclude(status=Deputy.Status.TERMINATED)
    if congress_id:
        qs = qs.filter(congress_id=congress_id)
    if electoral_unit_id:
        qs = qs.filter(electoral_unit_id=electoral_unit_id)
    if grassroots is not None:
        qs = qs.filter(is_grassroots=grassroots)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(employer__contains=q))
    return ArchiveRows(
        base=qs, year=year, order=order if order in ARCHIVE_ORDERINGS else "name", no_activity=no_activity
    )


COUNT_FIELDS = ("attended_year", "attended_term", "absent_year")


class ArchiveRows:
    """The staff list as a sequence a Paginator can page: ``count()`` and slices of deputies
    carrying ``attended_year``, ``attended_term`` and ``absent_year``.

    Counting is one GROUP BY deputy over the narrow participation index, never a join of
    a million participation rows with the deputies' columns (measured: ~1.3 s for that
    join at 10,000 deputies × 1,000,000 participations). Sorted by name, only the page's
    deputies are counted; sorted or filtered by a count, all are counted once and sorted
    here.
    """

    def __init__(self, *, base, year: int, order: str, no_activity: bool):
        self.base, self.year, self.order, self.no_activity = base, year, order, no_activity
        self._ids: list[int] | None = None
        self._counts: dict[int, dict] | None = None

    def _count_rows(self, deputy_ids=None) -> dict[int, dict]:
        start, end = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        in_year = Q(activity_date__range=(start, end))
        qs = Participation.objects.filter(deputy_id__in=self.base.values("pk") if deputy_ids is None else deputy_ids)
        rows = (
            qs.order_by()
            .values("deputy_id")
            .annotate(
                attended_year=Count("deputy_id", filter=in_year & Q(status=P.ATTENDED)),
                attended_term=Count("deputy_id", filter=Q(status=P.ATTENDED)),
                absent_year=Count("deputy_id", filter=in_year & Q(status=P.ABSENT)),
            )
        )
        return {row.pop("deputy_id"): row for row in rows}

    def _sorted_in_python(self) -> bool:
        return self.no_activity or self.order.lstrip("-") in COUNT_FIELDS

    def _all_ids(self) -> list[int]:
        if self._ids is None:
            self._counts = self._count_rows()
            zero = dict.fromkeys(COUNT_FIELDS, 0)
            rows = list(self.base.values_list("pk", "name", "electoral_unit__order", "electoral_unit__name"))
            if self.no_activity:
                rows = [r for r in rows if self._counts.get(r[0], zero)["attended_year"] == 0]
            field = self.order.lstrip("-")
            if field in COUNT_FIELDS:
                sign = -1 if self.order.startswith("-") else 1
                rows.sort(key=lambda r: (sign * self._counts.get(r[0], zero)[field], r[1], r[0]))
            elif self.order == "electoral_unit":
                rows.sort(key=lambda r: (r[2], r[3] or "", r[1], r[0]))
            else:
                rows.sort(key=lambda r: (r[1], r[0]), reverse=self.order == "-name")
            self._ids = [r[0] for r in rows]
        return self._ids

    def count(self) -> int:
        return len(self._all_ids()) if self._sorted_in_python() else self.base.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        if self._sorted_in_python():
            ids = self._all_ids()[index]
            by_id = self.base.in_bulk(ids)
            deputies = [by_id[pk] for pk in ids if pk in by_id]
            counts = self._counts
        else:
            deputies = list(self.base.order_by(*ARCHIVE_ORDERINGS[self.order])[index])
            counts = self._count_rows([d.pk for d in deputies])
        zero = dict.fromkeys(COUNT_FIELDS, 0)
        for deputy in deputies:
            for key, value in counts.get(deputy.pk, zero).items():
                setattr(deputy, key, value)
        return deputies

    def get(self, *, pk: int) -> Deputy:
        """One deputy of the list with their counts (Deputy.DoesNotExist if not in it)."""
        deputy = self.base.get(pk=pk)
        if self.no_activity and self._count_rows([pk]).get(pk, {}).get("attended_year", 0):
            raise Deputy.DoesNotExist
        for key, value in self._count_rows([pk]).get(pk, dict.fromkeys(COUNT_FIELDS, 0)).items():
            setattr(deputy, key, value)
        return deputy

    def iterator(self, chunk_size: int = 1000):
        """Every row in order, fetched in chunks so that an export's memory stays flat."""
        total = self.count()
        for offset in range(0, total, chunk_size):
            yield from self[offset : offset + chunk_size]

    def __iter__(self):
        return self.iterator()


def archive_sections(*, deputy: Deputy, year: int) -> list:
    """The sections other apps register (``core.registry.archive_sections``), in their order."""
    from core.registry import archive_sections as registry

    sections = []
    for entry in registry.entries():
        section = entry.func(deputy, year)
        if section is not None:
            sections.append(section)
    return sections
