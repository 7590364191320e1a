"""Server-rendered SVG charts: no JavaScript, printable, and readable by screen readers.

Each chart is an <svg role="img"> labelled by its own <title> (what it shows) and <desc> (the text summary), so
assistive technology reads one sentence instead of a pile of shapes; the page always puts the data table next to
it. The markup is built only from numbers (checked to be finite numbers and written by us) and labels escaped by
format_html. Colours come from classes in static/css/sendportal.css: the CSP forbids inline styles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
LABEL_CHARS = 32
"""Labels longer than this are shortened in the chart (the data table beside it shows them in full)."""

BAR_CLASSES = {"bar", "bar-alt", "bar-muted"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int
    value_label: str = ""
    css_class: str = "bar"


def _number(value) -> float:
    """A finite real number, or ValueError: nothing but numbers reaches the markup as coordinates."""
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValueError(f"chart values must be numbers, not {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("chart values must be finite numbers")
    return number


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _chart_id(chart_id: str) -> str:
    if not _ID.match(chart_id):
        raise ValueError("chart ids are lower-case letters, digits and hyphens, starting with a letter")
    return chart_id


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "\u2026"


def _svg(chart_id: str, width: float, height: float, title: str, summary: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{summary}</desc>{body}</svg>',
        id=chart_id,
        w=_fmt(width),
        h=_fmt(height),
        title=title,
        summary=summary,
        body=body,
    )


def bar_chart(
    *, chart_id: str, title: str, summary: str, bars: Sequence[Bar], max_value: float | int | None = None
) -> SafeString:
    """Horizontal bars, one per row, each labelled on the left and with its value (or `value_label`) at its end.

    `max_value` fixes the scale (100 for percentages); otherwise the largest value fills the width.
    """
    chart_id = _chart_id(chart_id)
    values = [_number(bar.value) for bar in bars]
    if min(values, default=0) < 0:
        raise ValueError("bar charts show counts and percentages: no negative values")
    if any(bar.css_class not in BAR_CLASSES for bar in bars):
        raise ValueError("unknown bar class")
    top = (_number(max_value) if max_value is not None else max(values, default=0)) or 1
    label_w, plot_w, value_w, row_h, pad = 230.0, 380.0, 170.0, 28.0, 8.0
    width = label_w + plot_w + value_w
    height = pad * 2 + row_h * max(len(bars), 1)
    rows = []
    for i, (bar, value) in enumerate(zip(bars, values, strict=True)):
        y = pad + i * row_h
        text_y = _fmt(y + row_h / 2 + 4)
        bar_w = plot_w * min(value, top) / top
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text x="{}" y="{}">{}</text>',
                _fmt(label_w - 8),
                text_y,
                _short(bar.label),
                bar.css_class,
                _fmt(label_w),
                _fmt(y + 5),
                _fmt(bar_w),
                _fmt(row_h - 10),
                _fmt(label_w + bar_w + 6),
                text_y,
                bar.value_label or _fmt(value),
            )
        )
    body = format_html_join("", "{}", ((row,) for row in rows))
    axis = format_html(
        '<line class="axis" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"></line>',
        x=_fmt(label_w),
        y1=_fmt(pad),
        y2=_fmt(height - pad),
    )
    return _svg(chart_id, width, height, title, summary, format_html("{}{}", axis, body))


def column_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    columns: Sequence[tuple[str, float | int | None]],
    max_value: float | int = 100,
    unit: str = "%",
) -> SafeString:
    """Vertical columns in order (a trend: one per month). A None value means no figure for that column and is
    drawn as a dash, never as a zero. Gridlines at 0, half and the maximum."""
    chart_id = _chart_id(chart_id)
    top = _number(max_value) or 1
    checked = [(label, None if value is None else _number(value)) for label, value in columns]
    left, col_w, plot_h, top_pad, bottom = 44.0, 46.0, 160.0, 18.0, 36.0
    width = left + col_w * max(len(checked), 1) + 8
    height = top_pad + plot_h + bottom
    base = top_pad + plot_h
    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"></line><text x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                _fmt(left),
                _fmt(base - plot_h * f),
                _fmt(width - 4),
                _fmt(base - plot_h * f),
                _fmt(left - 6),
                _fmt(base - plot_h * f + 4),
                _fmt(top * f) + unit,
            )
            for f in (0, 0.5, 1)
        ),
    )
    cols = []
    for i, (label, value) in enumerate(checked):
        x = left + i * col_w + 6
        mid = x + (col_w - 12) / 2
        if value is None:
            cols.append(
                format_html('<text x="{}" y="{}" text-anchor="middle">\u2013</text>', _fmt(mid), _fmt(base - 4))
            )
        else:
            h = plot_h * min(value, top) / top
            cols.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}"></rect>'
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    _fmt(x),
                    _fmt(base - h),
                    _fmt(col_w - 12),
                    _fmt(h),
                    _fmt(mid),
                    _fmt(base - h - 4),
                    _fmt(value) + unit,
                )
            )
        cols.append(
            format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>', _fmt(mid), _fmt(base + 16), _short(label))
        )
    axis = format_html(
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"></line>', l=_fmt(left), b=_fmt(base), r=_fmt(width - 4)
    )
    body = format_html("{}{}{}", grid, axis, format_html_join("", "{}", ((c,) for c in cols)))
    return _svg(chart_id, width, height, title, summary, body)
