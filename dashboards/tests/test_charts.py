"""Server-rendered SVG charts: labelled for screen readers, escaped, numbers only, no inline styles.
No database: these are pure functions."""

import re
from decimal import Decimal

import pytest

from dashboards.charts import Bar, bar_chart, column_chart


def bars(*values):
    return [Bar(f"Row {i}", v) for i, v in enumerate(values)]


def test_bar_chart_is_an_image_labelled_by_its_title_and_summary():
    svg = bar_chart(chart_id="outcomes", title="Outcomes", summary="12 referrals concluded.", bars=bars(3, 9))
    assert svg.startswith('<svg class="chart" role="img" aria-labelledby="outcomes-title outcomes-desc"')
    assert '<title id="outcomes-title">Outcomes</title>' in svg
    assert '<desc id="outcomes-desc">12 referrals concluded.</desc>' in svg


def test_labels_and_summaries_are_escaped():
    svg = bar_chart(
        chart_id="x",
        title="<b>t</b>",
        summary='"s" & <script>alert(1)</script>',
        bars=[Bar("<script>alert(1)</script>", 1, value_label="<img src=x onerror=alert(1)>")],
    )
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg


def test_no_inline_styles_only_classes():
    svg = bar_chart(chart_id="c", title="t", summary="s", bars=[Bar("a", 1), Bar("b", 2, css_class="bar-alt")])
    svg += column_chart(chart_id="d", title="t", summary="s", columns=[("Jan 26", 50), ("Feb 26", None)])
    assert "style" not in svg
    assert 'class="bar"' in svg and 'class="bar-alt"' in svg and 'class="axis"' in svg


def test_bars_are_scaled_to_the_largest_value_or_the_given_maximum():
    svg = bar_chart(chart_id="c", title="t", summary="s", bars=bars(5, 10))
    widths = re.findall(r'<rect class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)
    assert [float(w) for w in widths] == [190.0, 380.0]
    svg = bar_chart(chart_id="c", title="t", summary="s", bars=bars(Decimal("75.0")), max_value=100)
    assert 'width="285"' in svg


def test_all_zero_values_do_not_divide_by_zero():
    svg = bar_chart(chart_id="c", title="t", summary="s", bars=bars(0, 0))
    assert svg.count('width="0"') == 2


@pytest.mark.parametrize("value", ["1", "1); alert(1", None, True, float("nan"), float("inf")])
def test_only_finite_numbers_become_coordinates(value):
    with pytest.raises(ValueError):
        bar_chart(chart_id="c", title="t", summary="s", bars=[Bar("a", value)])


def test_negative_values_and_unknown_classes_are_refused():
    with pytest.raises(ValueError):
        bar_chart(chart_id="c", title="t", summary="s", bars=bars(-1))
    with pytest.raises(ValueError):
        bar_chart(chart_id="c", title="t", summary="s", bars=[Bar("a", 1, css_class='bar" onclick="x')])


@pytest.mark.parametrize("chart_id", ["", "1abc", "a b", 'a"onload="x', "A"])
def test_chart_ids_are_plain_identifiers(chart_id):
    with pytest.raises(ValueError):
        bar_chart(chart_id=chart_id, title="t", summary="s", bars=bars(1))


def test_long_labels_are_shortened_in_the_chart():
    svg = bar_chart(chart_id="c", title="t", summary="s", bars=[Bar("Refusal to carry out an EHC needs assessment", 1)])
    assert ">Refusal to carry out an EHC nee\u2026</text>" in svg  # 31 characters and an ellipsis


def test_column_chart_shows_no_figure_as_a_dash_not_a_zero():
    columns = [("Jan 26", Decimal("75.0")), ("Feb 26", None)]
    svg = column_chart(chart_id="trend", title="t", summary="s", columns=columns)
    assert svg.count("<rect") == 1
    assert ">75%</text>" in svg
    assert ">\u2013</text>" in svg
    assert ">Jan 26</text>" in svg and ">Feb 26</text>" in svg
    assert ">100%</text>" in svg and ">50%</text>" in svg and ">0%</text>" in svg  # gridline labels
