"""The count of the list a dashboard figure links to, read the way each list shows it.

A figure's link is an existing page: the office list of suggestions (paginated), the handling
report (its totals row), the deadlines page (the requests for more time), the commitment ledger
(Excel, its rows "in progress"), the activity ledger in the admin, a livelihood cycle's project
table, a training material's "not read yet" list, the opinions and data-request lists.
"""

import io
import re
from urllib.parse import parse_qs, urlsplit

from django.utils import translation
from openpyxl import load_workbook

from livelihood.models import Project
from proposals.models import Commitment

FIGURE = re.compile(r'<a data-(figure|total)="([^"]+)" href="([^"]+)">(\d+)</a>')


def figures(html: str) -> dict[str, tuple[int, str]]:
    """Every linked figure on the page: key -> (value, href); sums of a list's column are
    marked ``data-total`` (their key is prefixed ``total:``)."""
    found = {}
    for kind, key, href, value in FIGURE.findall(html):
        found[("total:" if kind == "total" else "") + key] = (int(value), href.replace("&amp;", "&"))
    return found


PLAIN = re.compile(r'<span data-(figure|total)="([^"]+)">(\d+)</span>')


def plain_figures(html: str) -> dict[str, int]:
    """Every figure shown without a link (an SC leader's page): key -> value."""
    return {("total:" if kind == "total" else "") + key: int(value) for kind, key, value in PLAIN.findall(html)}


def _report_total(context, key: str) -> int:
    totals = context["totals"]
    if key == "on-time":
        return totals["on_time"]
    if key == "satisfaction" or key.startswith("satisfaction-"):
        return totals["satisfied"]
    if key == "extended":
        return totals["extended"]
    if key.startswith("category-"):
        codes = [c.code for c in context["stats"]["categories"]]
        return totals["categories"][codes.index(key.removeprefix("category-"))]
    raise AssertionError(f"no report total for {key}")


def _open_commitment_rows(content: bytes) -> int:
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    with translation.override("zh-hans"):
        label = str(Commitment.Status.OPEN.label)
    return sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if row[5] == label)


def linked_count(client, key: str, link: str) -> int:
    """The count the linked page shows for the figure ``key``."""
    response = client.get(link)
    assert response.status_code == 200, (key, link, response.status_code)
    path = urlsplit(link).path
    if path.endswith("/report/"):
        return _report_total(response.context, key)
    if path.endswith("/deadlines/"):
        return len(response.context["extensions"])
    if path.endswith("commitments.xlsx"):
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return _open_commitment_rows(content)
    if path.startswith("/admin/activities/activity/"):
        cl = response.context["cl"]
        if key.startswith("total:"):
            return sum(row.attended_count for row in cl.queryset)  # every page of the list
        return cl.result_count
    if "livelihood" in path and "/cycles/" in path:
        return sum(1 for p in response.context["projects"] if p.status == Project.Status.ELECTED and p.behind)
    if "/materials/" in path:
        return response.context["unread"].paginator.count
    assert not parse_qs(urlsplit(link).query).get("page"), link
    return response.context["page"].paginator.count
