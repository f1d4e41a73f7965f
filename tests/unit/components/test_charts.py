"""The shared chart palette and figure builders: a group's colour is stable and readable in both
colour modes, and figures stay small enough to live in page state."""

from __future__ import annotations

import json

import plotly.io

from kube_console.components.charts import (
    DARK_BACKGROUND,
    IDLE_COLOR,
    LIGHT_BACKGROUND,
    OTHER_COLOR,
    PALETTE,
    ChartTable,
    Series,
    color_book,
    color_for,
    daily_trend_figure,
    figure_table,
    stacked_costs_figure,
    tick_format,
)
from kube_console.components.usage_charts import Line, usage_figure


def _luminance(color: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(color[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast(one: str, other: str) -> float:
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_chart_colour_stands_out_on_the_light_and_the_dark_page():
    for color in (*PALETTE, IDLE_COLOR, OTHER_COLOR):
        assert _contrast(color, LIGHT_BACKGROUND) >= 3.0, color
        assert _contrast(color, DARK_BACKGROUND) >= 3.0, color
    assert len(set(PALETTE)) == len(PALETTE) and not {IDLE_COLOR, OTHER_COLOR} & set(PALETTE)


def test_a_group_keeps_its_colour_and_groups_spread_over_the_palette():
    # pinned: the colour must not depend on the process (Python's own hash() is salted per run)
    assert color_for("team=payments") == "#AD7F58"
    teams = [color_for(f"team=team-{index}") for index in range(200)]
    assert set(teams) == set(PALETTE)  # many teams reach every colour


def test_a_set_no_larger_than_the_palette_never_shares_a_colour_and_keeps_it_in_any_order():
    teams = [
        f"team={name}" for name in ("search", "checkout", "web", "unallocated", "data", "payments")
    ]
    assert color_for("team=data") == color_for("team=unallocated")  # hashing alone collides
    book = color_book(teams)
    assert len(set(book.values())) == len(teams)
    assert book == color_book(reversed(teams))
    as_many = [f"team=t{index}" for index in range(len(PALETTE))]
    assert len(set(color_book(as_many).values())) == len(PALETTE)
    many = [f"namespace=ns-{index}" for index in range(40)]
    assert color_book(many) == {key: color_for(key) for key in many}


def _size(figure) -> int:
    return len(json.dumps(json.loads(plotly.io.to_json(figure))))


def test_hourly_bars_carry_a_start_and_a_stride_instead_of_every_time():
    buckets = [f"2026-03-{1 + hour // 24:02}T{hour % 24:02}:00:00+00:00" for hour in range(744)]
    series = [
        Series(key=f"team=t{index}", label=f"t{index}", values=[0.123456] * 744)
        for index in range(10)
    ]
    figure = stacked_costs_figure(
        buckets=buckets,
        step="hour",
        series=[*series, Series(key="other", label="Other (4)", values=[1.0] * 744, kind="other")],
        currency="USD",
    )
    first = figure.data[0]
    assert (first.x, first.x0, first.dx) == (None, buckets[0], 3_600_000)
    assert first.y[0] == 0.123  # tenths of a cent are plenty for an hour
    assert figure.data[-1].marker.color == OTHER_COLOR
    assert figure.layout.template.layout.to_plotly_json() == {}  # the page's theme is laid over it
    assert figure.layout.yaxis.tickprefix == "$"
    assert _size(figure) < 100_000


def test_monthly_bars_name_their_months_and_idle_is_hatched_grey():
    figure = stacked_costs_figure(
        buckets=["2026-01-01", "2026-02-01"],
        step="month",
        series=[Series(key="cluster=1|idle", label="prod · Idle", values=[-1.0, 2.0], kind="idle")],
        currency="EUR",
    )
    [idle] = figure.data
    assert list(idle.x) == ["2026-01-01", "2026-02-01"]
    assert (idle.marker.color, idle.marker.pattern.shape) == (IDLE_COLOR, "/")
    assert figure.layout.barmode == "relative"  # a negative idle stacks below zero
    assert idle.hovertemplate == "€%{y:,.2f}"


def test_the_daily_trend_shows_the_day_still_filling_lighter():
    figure = daily_trend_figure(
        days=["2026-03-01", "2026-03-02"], costs=[8.64, 2.16], currency="USD"
    )
    assert list(figure.data[0].marker.opacity) == [1.0, 0.45]


HOSTILE_LABEL = '<a href="https://evil.example/steal">web</a><b>&amp;</b>'
# What plotly shows for the label: its own entities turn back into the characters written.
ESCAPED_LABEL = (
    '&lt;a href="https://evil.example/steal"&gt;web&lt;/a&gt;&lt;b&gt;&amp;amp;&lt;/b&gt;'
)


def _figure_json(figure) -> str:
    """The figure's JSON as the browser reads it (plotly writes < and > as \\u003c, \\u003e)."""
    return json.dumps(json.loads(plotly.io.to_json(figure)), ensure_ascii=False)


def test_a_label_written_as_markup_reaches_the_cost_chart_as_text():
    figure = stacked_costs_figure(
        buckets=["2026-03-01", "2026-03-02"],
        step="day",
        series=[Series(key=f"team={HOSTILE_LABEL}", label=HOSTILE_LABEL, values=[1.0, 2.0])],
        currency="USD",
    )
    [bar] = figure.data
    assert bar.name == ESCAPED_LABEL
    assert "<a" not in _figure_json(figure) and "<b>" not in _figure_json(figure)


def test_a_currency_or_unit_written_as_markup_reaches_axes_and_hover_as_text():
    costs = stacked_costs_figure(
        buckets=["2026-03-01"], step="day", series=[Series("k", "k", [1.0])], currency="<i>X</i>"
    )
    trend = daily_trend_figure(days=["2026-03-01"], costs=[1.0], currency="<i>X</i>")
    usage = usage_figure(
        times=["2026-03-01T00:00:00+00:00"],
        bucket_seconds=300,
        lines=[Line(HOSTILE_LABEL, [1.0], "#000000")],
        unit="<i>cores</i>",
    )
    for figure in (costs, trend, usage):
        text = _figure_json(figure)
        assert "<i>" not in text and "<a" not in text, text
    assert costs.layout.yaxis.ticksuffix == " &lt;i&gt;X&lt;/i&gt;"
    assert trend.data[0].hovertemplate == "%{y:,.2f} &lt;i&gt;X&lt;/i&gt;<extra></extra>"
    assert usage.data[0].name == ESCAPED_LABEL
    assert (
        usage.layout.yaxis.title.text == "&lt;i&gt;cores&lt;/i&gt;"
    )  # the axis title, not each tick


def _ticks(span: float, step: float, fmt: str) -> list[str]:
    """The tick labels a format writes for ticks every `step` over `span` (d3's ",.N~f")."""
    decimals = int(fmt.removeprefix(",.").removesuffix("~f"))
    labels = []
    for index in range(round(span / step) + 1):
        text = f"{index * step:,.{decimals}f}"
        labels.append(text.rstrip("0").rstrip(".") if "." in text else text)
    return labels


def test_cost_axes_write_as_many_decimals_as_their_ticks_need_to_differ():
    # A cluster an hour old: bars of a cent or two, ticks every half cent.
    cents = stacked_costs_figure(
        buckets=["2026-03-01", "2026-03-02"],
        step="day",
        series=[Series("a", "a", [0.01, 0.02]), Series("i", "idle", [-0.004, 0.0], kind="idle")],
        currency="USD",
    )
    fmt = cents.layout.yaxis.tickformat
    labels = _ticks(0.02, 0.005, fmt)
    assert labels == ["0", "0.005", "0.01", "0.015", "0.02"]
    assert len(set(labels)) == len(labels)
    assert tick_format(1200.0) == ",.2~f"  # $200 · $400: trailing zeros dropped
    assert tick_format(0.0) == ",.2~f"
    trend = daily_trend_figure(days=["2026-03-01"], costs=[0.0004], currency="USD")
    assert len(set(_ticks(0.0004, 0.0001, trend.layout.yaxis.tickformat))) == 5


def test_a_chart_is_also_a_table_of_its_figures():
    figure = stacked_costs_figure(
        buckets=["2026-03-01T00:00:00+00:00", "2026-03-01T01:00:00+00:00"],
        step="hour",
        series=[
            Series(key="team=web", label="web & co", values=[1.5, 2.25]),
            Series(key="idle", label="Idle", values=[-0.5, 1234.5], kind="idle"),
        ],
        currency="USD",
    )
    assert figure_table(figure) == ChartTable(
        columns=["Time", "web & co", "Idle"],
        rows=[
            ["Sun 01 Mar, 00:00 UTC", "$1.50", "-$0.50"],
            ["Sun 01 Mar, 01:00 UTC", "$2.25", "$1,234.50"],
        ],
    )
    trend = daily_trend_figure(
        days=["2026-03-01", "2026-03-02"], costs=[8.64, 2.16], currency="EUR"
    )
    table = figure_table(trend, bucket_title="Day", value_title="Cost")
    assert table.columns == ["Day", "Cost"]
    assert table.rows == [["Sun 01 Mar 2026", "€8.64"], ["Mon 02 Mar 2026", "€2.16"]]
    usage = usage_figure(
        times=["2026-03-01T00:00:00+00:00", "2026-03-01T00:05:00+00:00"],
        bucket_seconds=300,
        lines=[Line("Used", [0.25, None], "#000000")],
        unit="cores",
    )
    assert figure_table(usage).rows == [
        ["Sun 01 Mar, 00:00 UTC", "0.25 cores"],
        ["Sun 01 Mar, 00:05 UTC", "—"],
    ]
    monthly = stacked_costs_figure(
        buckets=["2026-01-01", "2026-02-01"],
        step="month",
        series=[Series("k", "k", [1.0, 2.0])],
        currency="USD",
    )
    assert [row[0] for row in figure_table(monthly).rows] == ["January 2026", "February 2026"]
