"""Usage over time: CPU or memory lines (allocatable, requested, used) from the bucketed sync
samples, drawn with the shared palette and theme of components/charts.py.

A chart holds one value per bucket per line and no time axis of its own: the buckets are
evenly spaced, so a start and a stride place them (x0, dx), which keeps a 24-hour chart of
288 buckets to a few kilobytes of state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import plotly.graph_objects as go

from kube_console.components.charts import IDLE_COLOR, PALETTE, plotly_text

GIB = 2**30
# What each line means decides its colour, the same on every usage chart: used in the
# palette's first colour, requested in amber (as the requested bars of the capacity card),
# allocatable in the idle grey (the ceiling, not a figure of its own).
USED_COLOR = PALETTE[0]
REQUESTED_COLOR = "#AB6400"
ALLOCATABLE_COLOR = IDLE_COLOR


@dataclasses.dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]  # None leaves a gap: no sample in that bucket
    color: str
    dashed: bool = False


def _plotly_time(iso_time: str) -> str:
    """Plotly reads times without a zone; every bucket time is UTC, and the axis says so."""
    moment = dt.datetime.fromisoformat(iso_time).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def in_gib(values: Sequence[float | None]) -> list[float | None]:
    return [value / GIB if value is not None else None for value in values]


def usage_figure(
    *, times: Sequence[str], bucket_seconds: int, lines: Sequence[Line], unit: str
) -> go.Figure:
    """One line per figure over the window; `unit` ("cores", "GiB") labels the axis and hover."""
    start = {"x0": _plotly_time(times[0]), "dx": bucket_seconds * 1000} if times else {}
    unit = plotly_text(unit)
    traces = [
        go.Scatter(
            name=plotly_text(line.label),
            y=[round(value, 3) if value is not None else None for value in line.values],
            # Markers too: a bucket between two empty ones (a sync after an outage) is a point.
            mode="lines+markers",
            line={"color": line.color, "width": 2, "dash": "dash" if line.dashed else "solid"},
            marker={"color": line.color, "size": 3},
            connectgaps=False,
            hovertemplate=f"%{{y:,.2f}} {unit}",
            **start,
        )
        for line in lines
    ]
    return go.Figure(
        data=traces,
        layout=go.Layout(
            template=go.layout.Template(),
            autosize=True,
            margin={"l": 8, "r": 8, "t": 8, "b": 8},
            hovermode="x unified",
            showlegend=True,
            legend={"orientation": "h", "y": -0.15, "x": 0, "yanchor": "top"},
            xaxis={"type": "date", "hoverformat": "%a %d %b, %H:%M UTC", "automargin": True},
            # The unit names the axis rather than every tick ("1 cores" is no English).
            yaxis={
                "rangemode": "tozero",
                "title": {"text": unit, "font": {"size": 11}},
                "tickformat": ",.3~f",
                "automargin": True,
            },
        ),
    )


def usage_lines(
    *,
    requested: Sequence[float | None],
    used: Sequence[float | None],
    allocatable: Sequence[float | None] | None = None,
) -> list[Line]:
    lines = (
        [Line("Allocatable", allocatable, ALLOCATABLE_COLOR, dashed=True)] if allocatable else []
    )
    return [
        *lines,
        Line("Requested", requested, REQUESTED_COLOR),
        Line("Used", used, USED_COLOR),
    ]
