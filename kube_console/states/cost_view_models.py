"""The cost pages' view models: rows, cells and bars as the Costs and Overview pages show
them, figures already formatted (kube_console/formatting.py).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostColumn:
    """A column of the costs table: its title (exactly the CSV header) and the key it sorts by."""

    key: str
    title: str
    numeric: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostCell:
    text: str
    tone: str = ""  # "" | muted | up | down | warn | bad


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostTableRow:
    """One row of the costs table as shown: one cell per column, figures already formatted."""

    key: str
    label: str  # every dimension's value: "web · prod"
    color: str  # the group's chart colour
    idle: bool
    cells: list[CostCell]
    share_width: str  # the share bar's CSS width, e.g. "42.0%"
    low_coverage: bool
    negative_idle_hours: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostMathRow:
    """One resource of "show the math", over the view's closed hours, with its units."""

    resource: str
    average_request: str
    average_usage: str
    average_allocated: str
    allocated: str
    price: str
    cost: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PickerOption:
    value: str
    selected: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class FilterChip:
    """An active filter value, removable from the filter bar."""

    dimension: str  # cluster | cost_center | team | namespace
    title: str
    value: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostBar:
    """A ranked cost (a team, a cost-center, a namespace) with a link to its costs."""

    key: str
    label: str
    detail: str  # e.g. the cluster of a namespace
    cost: str
    width: str  # CSS width of its bar, relative to the largest
    color: str
    href: str
    negative: bool
