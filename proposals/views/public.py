"""The public pages (anonymous): published suggestions with their replies, per-unit statistics.

Thin: parse the query string with a form, ask proposals.selectors.public, render. Anonymous
visitors get the list, detail and statistics pages from the page cache (proposals.cache)
while nothing public has changed; attachments are always checked afresh.
Everything shown comes from the public selectors, which never return an unpublished
item; an unknown or unpublished id answers 404 without saying which.
"""

from html import escape
from types import SimpleNamespace

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.template.defaulttags import querystring
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts import shell
from core import fragments
from core.views import download_response

from .. import renditions
from ..cache import cached_public_page
from ..selectors import public as selectors


def select_options(bound_field) -> str:
    """The <option>s of a select, built in one pass: Django's widget templates render each
    option through a template, which costs more than the rest of the list page (and so would
    format_html per option)."""
    current = bound_field.value()
    current = "" if current is None else str(current)
    return mark_safe(
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in bound_field.field.choices
        )
    )


class PlainChoiceField(forms.TypedChoiceField):
    """A choice field given plain (value, label) pairs, kept as they are. Django normalises each
    assignment of choices (groups, callables, enumerations) for the field and again for its
    widget: for a hundred units, on every list page, that cost more than the query reading them.
    The options are drawn by ``select_options`` from ``field.choices``."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = list(value)
        self.widget._choices = self._choices


class SelectsMixin:
    def selects(self) -> list[dict]:
        return [
            {"field": self[name], "options": select_options(self[name])}
            for name, field in self.fields.items()
            if isinstance(field, forms.ChoiceField)
        ]

    def selects_html(self) -> str:
        """Each select with its label and errors, as the filter grid shows them: built in one
        pass (through the template engine the bound fields' lookups cost more than the SQL)."""
        out = []
        for select in self.selects():
            field = select["field"]
            ident = escape(field.id_for_label)
            errors = field.errors
            invalid = f' aria-invalid="true" aria-describedby="{ident}-error"' if errors else ""
            listed = (
                f'<ul class="errorlist" id="{ident}-error">'
                + "".join(f"<li>{escape(str(e))}</li>" for e in errors)
                + "</ul>"
                if errors
                else ""
            )
            out.append(
                f'\n      <div class="field">\n        <label for="{ident}">{escape(str(field.label))}</label>\n'
                f'        <select name="{escape(field.html_name)}" id="{ident}"{invalid}>{select["options"]}</select>\n'
                f"        {listed}\n      </div>\n    "
            )
        return mark_safe("".join(out))


class PublicFilterForm(SelectsMixin, forms.Form):
    """The list's filters. Choices come from one query per reference table; a bad value is
    reported on its field and ignored, the rest of the filters still apply."""

    q = forms.CharField(label=_("Keywords"), required=False, max_length=100, strip=True)
    session = PlainChoiceField(label=_("Session"), required=False, coerce=int, empty_value=None)
    year = PlainChoiceField(label=_("Year submitted"), required=False, coerce=int, empty_value=None)
    field = PlainChoiceField(label=_("Field"), required=False, coerce=int, empty_value=None)
    unit = PlainChoiceField(label=_("Handling unit"), required=False, coerce=int, empty_value=None)
    category = PlainChoiceField(label=_("Reply category"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("newest", _("Newest first")), ("relevance", _("Most relevant first"))],
    )

    def __init__(self, *args, choices: selectors.FilterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["session"].choices = every + choices.sessions
        self.fields["year"].choices = every + [(y, str(y)) for y in choices.years]
        self.fields["field"].choices = every + choices.fields
        self.fields["unit"].choices = every + choices.units
        self.fields["category"].choices = every + choices.categories

    def filters(self) -> selectors.PublicFilters:
        self.is_valid()
        data = self.cleaned_data
        return selectors.PublicFilters(
            q=data.get("q") or "",
            session=data.get("session"),
            year=data.get("year"),
            field=data.get("field"),
            unit=data.get("unit"),
            category=data.get("category"),
            sort=data.get("sort") or "newest",
        )


class UnitStatsFilterForm(SelectsMixin, forms.Form):
    session = PlainChoiceField(label=_("Session"), required=False, coerce=int, empty_value=None)
    year = PlainChoiceField(label=_("Year assigned"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, choices: selectors.FilterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["session"].choices = every + choices.sessions
        self.fields["year"].choices = every + [(y, str(y)) for y in choices.years]


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def row_html(items) -> list[str]:
    """Each item's <li> row, built in Python: through the template engine each row's dozen
    variables cost more than the rest of the page. Every value is escaped (``html.escape``, as
    Django's ``escape``). A row is stored as a rendition: nothing here depends on the request
    (raise ``renditions.FORMAT`` when the markup changes)."""
    # One reverse() for the pattern, not one per row.
    marker = "2147483647"
    detail = reverse("proposals:detail", args=[int(marker)])
    lead, between, published = gettext("Lead deputy"), gettext("Between sessions"), gettext("Published")
    handling_label, pending = gettext("Handling units and reply categories"), gettext("Reply pending")
    out = []
    for item in items:
        pk = item.pk
        meta = []
        if item.number:
            meta.append(f'<span class="pp-number">{escape(item.number_label)}</span>')
        unit = f"（{escape(item.deputy_unit)}）" if item.deputy_unit else ""
        meta.append(f"<span>{escape(lead)}：{escape(item.deputy)}{unit}</span>")
        meta.append(f"<span>{escape(item.session_name or between)}</span>")
        if item.field_name:
            meta.append(f"<span>{escape(item.field_name)}</span>")
        if item.published_on:
            day = item.published_on
            meta.append(f'<span>{escape(published)} <time datetime="{day}">{day}</time></span>')
        handling = ""
        if item.handling:
            units = "".join(
                f'<li><span class="pp-unit">{escape(a.unit)}</span> <span class="status-pill">{escape(str(a.role))}</span> '
                + (
                    f'<span class="status-pill pp-cat pp-cat-{escape(a.code)}">{escape(a.category)}</span>'
                    if a.category
                    else f'<span class="status-pill status-pill-warn">{escape(pending)}</span>'
                )
                + "</li>"
                for a in item.handling
            )
            handling = f'<ul class="pp-handling" aria-label="{escape(handling_label)}">{units}</ul>'
        out.append(
            f'<li class="pp-item card"><article aria-labelledby="item-{pk}-title">'
            f'<h3 class="pp-item-title" id="item-{pk}-title">'
            f'<a href="{escape(detail.replace(marker, str(pk)))}">{escape(item.title)}</a></h3>'
            f'<p class="pp-meta">{" ".join(meta)}</p>'
            f'<p class="pp-excerpt">{escape(item.excerpt)}</p>{handling}</article></li>'
        )
    return out


def list_rows(items) -> str:
    """The list's <li> rows (``row_html``), as the list template shows them."""
    return mark_safe("\n".join(row_html(items)))


def page_rows(ids: list[int], categories: dict) -> str:
    """The rows of these items: stored renditions where current (PostgreSQL), the rest drawn
    from the models and stored."""
    if not renditions.enabled():
        return list_rows(selectors.public_rows(ids, categories))
    language = get_language()
    found = renditions.many([(pk, "row") for pk in ids], language)
    rows = {pk: found[(pk, "row")] for pk in ids if (pk, "row") in found}
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        revisions = renditions.revisions(missing)
        items = selectors.public_rows(missing, categories)
        drawn = dict(zip([item.pk for item in items], row_html(items), strict=True))
        renditions.store(
            [(pk, "row", revisions[pk], "", html) for pk, html in drawn.items() if pk in revisions], language
        )
        rows.update(drawn)
    return mark_safe("\n".join(rows[pk] for pk in ids if pk in rows))


@require_GET
@cached_public_page
def suggestion_list(request):
    choices = selectors.cached_filter_choices()
    form = PublicFilterForm(request.GET, choices=choices)
    filters = form.filters()
    number = _page_number(request)
    ids, has_next = selectors.public_page_ids(filters, number, newest=choices.newest)
    page = selectors.Page(items=ids, number=min(number, selectors.MAX_PAGE), has_next=has_next)
    narrowed = any([filters.session, filters.year, filters.field, filters.unit, filters.category])
    words = selectors.search_words(filters.q)
    q_errors = form["q"].errors
    rows = page_rows(ids, choices.category_codes) if ids else ""
    here = SimpleNamespace(request=request)

    def link(number: int) -> str:
        return querystring(here, page=number)

    content = fragments.render(
        "proposals/public/_list_content.html",
        flags={
            "open_filters": bool(
                narrowed or filters.sort != "newest" or any(form[name].errors for name in form.fields if name != "q")
            ),
            "filtered": bool(narrowed or filters.q),
            "searched": bool(filters.q),
            "many_words": len(words) > 1,
            "has_items": bool(ids),
            "past_first": page.number > 1,
            "page__has_previous": page.has_previous,
            "page__has_next": page.has_next,
        },
        safe={
            "q_errors": (
                '<ul class="errorlist">' + "".join(f"<li>{escape(str(e))}</li>" for e in q_errors) + "</ul>"
                if q_errors
                else ""
            ),
            "selects": form.selects_html(),
            "words": "".join(f'<span class="status-pill">{escape(w)}</span> ' for w in words) if len(words) > 1 else "",
            "rows": rows,
        },
        text={
            "q_value": form["q"].value() or "",
            "q": filters.q,
            "start": page.start_index,
            "first_url": link(1),
            "page__number": page.number,
            "page__prev_url": link(page.previous_page_number) if page.has_previous else "",
            "page__next_url": link(page.next_page_number) if page.has_next else "",
        },
        framed=shell.usable(request),
    )
    return _page(request, "proposals/public/list.html", safe={"content": content}, text={})


def _page(request, template_name: str, *, safe: dict, text: dict):
    """The page around its parts: from the kept frame for anonymous readers (accounts.shell)."""
    if shell.usable(request):
        return shell.render_page(request, template_name, safe=safe, text=text)
    return render(request, template_name, {**{k: mark_safe(v) for k, v in safe.items()}, **text})


@require_GET
@cached_public_page
def suggestion_detail(request, pk: int):
    if not 0 < pk < 2**63:
        raise Http404  # no row has such an id; the stored parts' lookup would refuse it
    language = get_language()
    revision = None
    if renditions.enabled():
        found = renditions.one(pk, "detail", language)
        if found is not None:
            title, content = found
            return _page(request, "proposals/public/detail.html", safe={"content": content}, text={"title": title})
        revision = renditions.revisions([pk]).get(pk)
    suggestion = selectors.public_suggestion_detail(pk)
    if suggestion is None:
        raise Http404
    content = render_to_string("proposals/public/_detail_content.html", {"suggestion": suggestion})
    if revision is not None:
        renditions.store([(pk, "detail", revision, suggestion.title, content)], language)
    return _page(request, "proposals/public/detail.html", safe={"content": content}, text={"title": suggestion.title})


@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """Publication is checked again on every download: a withdrawn item's files stop at once."""
    attachment = selectors.public_attachment(suggestion_pk=pk, attachment_pk=attachment_pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    # Public: a shared cache may keep it, but must ask again (a withdrawn item's files stop at once).
    return download_response(
        handle, filename=attachment.original_name, content_type=attachment.content_type, private=False
    )


@require_GET
@cached_public_page
def unit_stats(request):
    choices = selectors.session_choices()
    form = UnitStatsFilterForm(request.GET, choices=choices)
    form.is_valid()
    data = form.cleaned_data
    (rows, totals, categories), as_of = selectors.cached_unit_statistics(
        session_id=data.get("session"), year=data.get("year")
    )
    return render(
        request,
        "proposals/public/unit_stats.html",
        {
            "form": form,
            "rows": [(row, row.category_shares(categories)) for row in rows],
            "totals": totals,
            "total_shares": totals.category_shares(categories),
            "categories": categories,
            "as_of": as_of,
        },
    )
