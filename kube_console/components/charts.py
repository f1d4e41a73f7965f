"""Plotly charts: one palette for every page, figures built from small aggregated series, and the
component that draws them in the light or dark theme.

A group keeps its colour everywhere. Colours are handed out over everything a dimension can
show (every team of the organization, say), so each chart drawing from that set agrees, and
up to the palette's size no two groups share a colour; past it, or for a group outside any
set, the colour is its key's hash. Every palette colour stands out from both the light and
the dark page background (3:1 at least, the contrast WCAG asks of chart marks). Idle
capacity and the "Other" series are greys, so they never pass for a group.

Every text a figure draws that did not come from this module (a group's label, a currency) goes
through `plotly_text`: plotly reads a subset of HTML in trace names, legends, hover and tick
labels, and a team label is whatever anyone who can label a namespace wrote.

Figures carry no template of their own (plotly's default would add ~6 KB to every figure in
state); `plot()` lays a small light or dark one over them in the browser.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

import plotly.graph_objects as go
import reflex as rx
from plotly.graph_objs.layout import Template
from reflex.vars import ObjectVar, StringVar
from reflex_components_core.core.cond import color_mode_cond

from kube_console.formatting import currency_affixes

PALETTE = (  # ten hues far enough apart to tell apart at a glance, in either colour mode
    "#3E63DD",  # indigo
    "#12A594",  # teal
    "#E54D2E",  # tomato
    "#8E4EC6",  # purple
    "#46A758",  # grass
    "#D6409F",  # pink
    "#AB6400",  # amber
    "#00A2C7",  # cyan
    "#AD7F58",  # brown
    "#6F8A2E",  # olive
)
IDLE_COLOR = "#8B8D98"
OTHER_COLOR = "#60646C"
LIGHT_BACKGROUND = "#FFFFFF"
DARK_BACKGROUND = "#111113"  # Radix slate 1 in dark mode, the page behind every card

_BUCKET_MILLISECONDS = {"hour": 3_600_000, "day": 86_400_000}
_HOVER_FORMATS = {"hour": "%a %d %b, %H:%M UTC", "day": "%a %d %b %Y", "month": "%B %Y"}
_FONT = "Inter, -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif"


def plotly_text(text: str) -> str:
    """`text` as plotly shows it, never as markup: `<a href=...>` is drawn, not linked. Plotly
    turns the entities back into the characters written."""
    return html.escape(text, quote=False)


def _slot(key: str) -> int:
    return zlib.crc32(key.encode()) % len(PALETTE)  # not hash(): that is salted per process


def color_for(key: str) -> str:
    """The colour of a group key on its own, the same in every process."""
    return PALETTE[_slot(key)]


def color_book(keys: Iterable[str]) -> dict[str, str]:
    """A colour for each key of a set: each takes its hashed colour, or the next one free, in
    key order, so the same set gives the same colours on every chart; a set larger than the
    palette shares colours by hash."""
    ordered = sorted(set(keys))
    if len(ordered) > len(PALETTE):
        return {key: color_for(key) for key in ordered}
    taken: set[int] = set()
    book = {}
    for key in ordered:
        slot = _slot(key)
        while slot in taken:
            slot = (slot + 1) % len(PALETTE)
        taken.add(slot)
        book[key] = PALETTE[slot]
    return book


@dataclasses.dataclass(frozen=True)
class Series:
    """One stacked series: a group's cost per bucket."""

    key: str
    label: str
    values: Sequence[float]
    kind: str = "group"  # group | idle | other


def series_color(series: Series, book: Mapping[str, str]) -> str:
    """Grey for idle and "Other"; else the group's colour in `book`, or its hashed one."""
    grey = {"idle": IDLE_COLOR, "other": OTHER_COLOR}.get(series.kind)
    return grey or book.get(series.key) or color_for(series.key)


def tick_format(span: float, *, least_decimals: int = 2) -> str:
    """The d3 format of an axis whose values span `span`: as many decimals as the ticks plotly
    may pick over it need to read apart ($0.005 · $0.01 · $0.015, never $0.01 three times),
    trailing zeros dropped. Plotly puts at most about ten ticks on an axis."""
    if span <= 0 or not math.isfinite(span):
        return f",.{least_decimals}~f"
    decimals = math.ceil(-math.log10(span / 10))
    return f",.{min(max(least_decimals, decimals), 8)}~f"


def stacked_span(series: Sequence[Sequence[float]]) -> float:
    """How far stacked bars reach, from the lowest negative stack to the highest positive one."""
    buckets = max((len(values) for values in series), default=0)
    top = bottom = 0.0
    for index in range(buckets):
        column = [values[index] for values in series if index < len(values)]
        top = max(top, sum(value for value in column if value > 0))
        bottom = min(bottom, sum(value for value in column if value < 0))
    return top - bottom


def _money_axis(currency: str, span: float) -> dict:
    prefix, suffix = currency_affixes(currency)
    return {
        "tickprefix": plotly_text(prefix),
        "ticksuffix": plotly_text(suffix),
        "tickformat": tick_format(span),
        "rangemode": "tozero",
        "automargin": True,
    }


def _hover(currency: str) -> str:
    prefix, suffix = currency_affixes(currency)
    return f"{plotly_text(prefix)}%{{y:,.2f}}{plotly_text(suffix)}"


def _base_layout(**layout: object) -> go.Layout:
    return go.Layout(
        **{
            "template": go.layout.Template(),
            "autosize": True,
            "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "showlegend": False,
            **layout,
        }
    )


def _bucket_positions(step: str, buckets: Sequence[str]) -> dict:
    """x for one trace: a start and a stride for even hours and days, the dates for months."""
    if step in _BUCKET_MILLISECONDS and buckets:
        return {"x0": buckets[0], "dx": _BUCKET_MILLISECONDS[step]}
    return {"x": list(buckets)}


def _rounded(values: Sequence[float]) -> list[float]:
    """Tenths of a cent: enough for any hourly figure, and half the bytes of a full float."""
    return [round(value, 3) for value in values]


def stacked_costs_figure(
    *,
    buckets: Sequence[str],
    step: str,
    series: Sequence[Series],
    currency: str,
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Cost per bucket, one stacked bar per series; negative idle stacks below zero. `colors`
    is a color_book of the set the series come from."""
    hover = _hover(currency)
    traces = [
        go.Bar(
            name=plotly_text(item.label),
            y=_rounded(item.values),
            marker={
                "color": series_color(item, colors or {}),
                "pattern": {"shape": "/" if item.kind == "idle" else ""},
            },
            hovertemplate=hover,
            **_bucket_positions(step, buckets),
        )
        for item in series
    ]
    return go.Figure(
        data=traces,
        layout=_base_layout(
            barmode="relative",
            bargap=0.15,
            hovermode="x unified",
            showlegend=True,
            legend={"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
            xaxis={"type": "date", "hoverformat": _HOVER_FORMATS[step], "automargin": True},
            yaxis=_money_axis(currency, stacked_span([item.values for item in series])),
        ),
    )


def daily_trend_figure(
    *, days: Sequence[str], costs: Sequence[float], currency: str, partial_last: bool = True
) -> go.Figure:
    """Cost per day; the last bar is lighter while its day is still filling."""
    opacity = [1.0] * len(costs)
    if partial_last and opacity:
        opacity[-1] = 0.45
    bar = go.Bar(
        y=_rounded(costs),
        marker={"color": PALETTE[0], "opacity": opacity},
        hovertemplate=_hover(currency) + "<extra></extra>",
        **_bucket_positions("day", days),
    )
    return go.Figure(
        data=[bar],
        layout=_base_layout(
            bargap=0.25,
            hovermode="x",
            xaxis={"type": "date", "hoverformat": _HOVER_FORMATS["day"], "automargin": True},
            yaxis=_money_axis(currency, stacked_span([costs])),
        ),
    )


def empty_figure() -> go.Figure:
    return go.Figure(layout=_base_layout())


def _template(*, text: str, grid: str, line: str, hover_background: str, hover_text: str) -> dict:
    axis = {
        "gridcolor": grid,
        "linecolor": line,
        "zerolinecolor": line,
        "tickfont": {"color": text},
    }
    return {
        "layout": {
            "font": {"family": _FONT, "color": text, "size": 12},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "xaxis": {**axis, "showgrid": False},
            "yaxis": axis,
            "legend": {"font": {"color": text}},
            "hoverlabel": {
                "bgcolor": hover_background,
                "bordercolor": line,
                "font": {"family": _FONT, "color": hover_text},
            },
        }
    }


_LIGHT = _template(
    text="#60646C", grid="#E8E8EC", line="#D9D9E0", hover_background="#FFFFFF", hover_text="#1C2024"
)
_DARK = _template(
    text="#B0B4BA", grid="#272A2D", line="#363A3F", hover_background="#18191B", hover_text="#EDEEF0"
)


@dataclasses.dataclass(frozen=True)
class ChartTable:
    """A chart's figures as a table: the first column names the bucket, one column a series."""

    columns: list[str]
    rows: list[list[str]]


def _bucket_times(trace: go.Bar | go.Scatter, count: int) -> list[object]:
    if trace.x is not None:
        return list(trace.x)
    if trace.x0 is None:
        return list(range(1, count + 1))
    start = dt.datetime.fromisoformat(str(trace.x0))
    stride = dt.timedelta(milliseconds=float(trace.dx or 1))
    return [start + stride * index for index in range(count)]


def _bucket_label(value: object, time_format: str | None) -> str:
    moment = value
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(moment, dt.datetime) and time_format:
        return moment.strftime(time_format)
    return str(value)


def figure_table(
    figure: go.Figure, *, bucket_title: str = "Time", value_title: str = "Value"
) -> ChartTable:
    """What `figure` draws, as text: a row per bucket, a column per trace, each value written
    with the y axis's prefix and suffix as the hover shows it. For screen readers and keyboards,
    which can't reach values shown only on hover."""
    traces = [trace for trace in figure.data if trace.y is not None]
    if not traces:
        return ChartTable(columns=[], rows=[])
    count = max(len(trace.y) for trace in traces)
    axis = figure.layout.yaxis
    unit = f" {axis.title.text}" if axis.title.text else ""  # usage charts name their unit there
    prefix, suffix = html.unescape(axis.tickprefix or ""), html.unescape(axis.ticksuffix or unit)
    time_format = figure.layout.xaxis.hoverformat

    def written(value: float | None) -> str:
        if value is None:
            return "—"
        return f"{'-' if value < 0 else ''}{prefix}{abs(value):,.2f}{suffix}"

    times = _bucket_times(traces[0], count)
    return ChartTable(
        columns=[bucket_title, *[html.unescape(trace.name or value_title) for trace in traces]],
        rows=[
            [
                _bucket_label(times[index], time_format),
                *[written(trace.y[index] if index < len(trace.y) else None) for trace in traces],
            ]
            for index in range(count)
        ],
    )


def _data_table(label: str | rx.Var[str], table: ObjectVar[ChartTable]) -> rx.Component:
    """The chart's table behind a "Show as table" toggle (a <details>: Tab and Enter open it)."""
    return rx.el.details(
        rx.el.summary(
            rx.text("Show as table", size="1", weight="medium", as_="span"),
            cursor="pointer",
            width="fit-content",
        ),
        rx.box(
            rx.table.root(
                rx.el.caption(label, class_name="sr-only"),
                rx.table.header(
                    rx.table.row(
                        rx.foreach(
                            table.columns, lambda column: rx.table.column_header_cell(column)
                        )
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        table.rows,
                        lambda row: rx.table.row(
                            rx.foreach(
                                row,
                                lambda cell: rx.table.cell(
                                    cell, white_space="nowrap", class_name="numeric"
                                ),
                            )
                        ),
                    )
                ),
                size="1",
                width="100%",
            ),
            max_height="18rem",
            overflow="auto",
            margin_top="0.5rem",
            tab_index=0,
            role="region",
            # Reflex types Var.create of a str-or-Var union as Var[str | Var]; either way the
            # result is a StringVar.
            aria_label=cast(StringVar, rx.Var.create(label)) + " as a table",
        ),
        width="100%",
    )


def plot(
    figure: rx.Var,
    *,
    label: str | rx.Var[str],
    height: str = "320px",
    table: ObjectVar[ChartTable] | None = None,
) -> rx.Component:
    """A figure in the page's colour mode, resizing with its card, without plotly's toolbar;
    with `table` (from figure_table), its figures as a table under it."""
    chart = rx.box(
        rx.plotly(
            data=figure,
            template=color_mode_cond(light=_LIGHT, dark=_DARK).to(Template),
            config={"displayModeBar": False, "responsive": True},
            use_resize_handler=True,
            style={"width": "100%", "height": height},
        ),
        role="img",
        aria_label=label,
        width="100%",
    )
    if table is None:
        return chart
    return rx.vstack(chart, _data_table(label, table), spacing="2", width="100%")
