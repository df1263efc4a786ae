"""Server-side SVG charts: bars, a line and a donut, drawn from figures already counted.

No JavaScript and no inline style (the Content-Security-Policy refuses both): shapes carry
presentation attributes and CSS classes from ``static/overview/dashboard.css``. Each chart is
an image with a title whose ``aria-describedby`` names the table beside it, which holds the
same figures for screen readers, printing and export.
"""

import math
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR_HEIGHT = 26
BAR_GAP = 10
LABEL_WIDTH = 220
VALUE_WIDTH = 60


def _frame(*, title: str, table_id: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" aria-describedby="{table}" focusable="false"><title>{title}</title>{body}</svg>',
        w=width,
        h=height,
        table=table_id,
        title=title,
        body=body,
    )


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(items: Sequence[tuple[str, int]], *, title: str, table_id: str) -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    top = max((v for _label, v in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * (BAR_HEIGHT + BAR_GAP)
        length = round(span * value / top)
        rows.append(
            (
                y + BAR_HEIGHT * 0.7,
                _short(label),
                LABEL_WIDTH,
                y,
                max(length, 1 if value else 0),
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT * 0.7,
                value,
            )
        )
    body = format_html_join(
        "",
        '<text class="chart-label" x="0" y="{}">{}</text>'
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
        '<text class="chart-value" x="{}" y="{}">{}</text>',
        rows,
    )
    height = max(len(items), 1) * (BAR_HEIGHT + BAR_GAP)
    return _frame(title=title, table_id=table_id, width=WIDTH, height=height, body=body)


def line_chart(items: Sequence[tuple[str, int]], *, title: str, table_id: str) -> SafeString:
    """A line through (label, value) points left to right (oldest first), with the axis labels."""
    height, pad, base = 220, 40, 180
    top = max((v for _label, v in items), default=0) or 1
    n = len(items)
    step = (WIDTH - 2 * pad) / max(n - 1, 1)
    points = [(round(pad + i * step, 1), round(base - (base - pad) * v / top, 1)) for i, (_l, v) in enumerate(items)]
    path = " ".join(f"{x},{y}" for x, y in points)
    body = format_html(
        '<line class="chart-axis" x1="{pad}" y1="{base}" x2="{end}" y2="{base}"></line>'
        '<polyline class="chart-line" fill="none" points="{path}"></polyline>{dots}',
        pad=pad,
        base=base,
        end=WIDTH - pad,
        path=path,
        dots=format_html_join(
            "",
            '<circle class="chart-dot" cx="{}" cy="{}" r="4"></circle>'
            '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            (
                (x, y, x, y - 10, value, x, base + 22, _short(label, 10))
                for (x, y), (label, value) in zip(points, items, strict=True)
            ),
        ),
    )
    return _frame(title=title, table_id=table_id, width=WIDTH, height=height, body=body)


def donut_chart(part: int, whole: int, *, title: str, table_id: str, mark: int | None = None) -> SafeString:
    """The share ``part`` of ``whole`` as a ring, the per cent in its middle; ``mark`` (per cent)
    draws a tick where the share should be by now (e.g. the share of the term elapsed)."""
    size, radius, stroke = 160, 60, 22
    centre = size / 2
    circumference = 2 * math.pi * radius
    share = part / whole if whole else 0
    filled = round(circumference * share, 2)
    tick = mark_safe("")
    if mark is not None:
        angle = 2 * math.pi * mark / 100 - math.pi / 2
        inner, outer = radius - stroke / 2 - 4, radius + stroke / 2 + 4
        tick = format_html(
            '<line class="chart-mark" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
            round(centre + inner * math.cos(angle), 1),
            round(centre + inner * math.sin(angle), 1),
            round(centre + outer * math.cos(angle), 1),
            round(centre + outer * math.sin(angle), 1),
        )
    body = format_html(
        '<circle class="chart-ring" cx="{c}" cy="{c}" r="{r}" fill="none" stroke-width="{s}"></circle>'
        '<circle class="chart-arc" cx="{c}" cy="{c}" r="{r}" fill="none" stroke-width="{s}" '
        'stroke-dasharray="{filled} {circ}" transform="rotate(-90 {c} {c})"></circle>{tick}'
        '<text class="chart-centre" x="{c}" y="{ty}" text-anchor="middle">{pct}%</text>',
        c=centre,
        r=radius,
        s=stroke,
        filled=filled,
        circ=round(circumference, 2),
        tick=tick,
        ty=centre + 8,
        pct=round(100 * share),
    )
    return _frame(title=title, table_id=table_id, width=size, height=size, body=body)
