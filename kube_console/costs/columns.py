"""The columns of the cost table: one spec that the costs page, the CSV export and the REST API
all render, so a figure added here (GPU, say) appears in each of them at once.

A column names the attribute it shows (`field`), which is the same on a group (costs/records.CostGroup),
on the report's totals (costs/records.CostReport) and in the API's JSON; `kind` says how to read it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from kube_console.costs.figures import RESOURCES

DIMENSION_TITLES = {
    "cluster": "Cluster",
    "namespace": "Namespace",
    "team": "Team",
    "cost_center": "Cost center",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    key: str  # the page's column and sort key
    title: str  # the CSV header, word for word; "{currency}" is the report's currency
    field: str  # attribute of a group and of the report's totals
    kind: str  # dimension | money | part | share | change | efficiency | coverage
    shared_only: bool = False  # shown only when idle is shared
    muted: bool = False  # a figure for comparison, shown quieter
    usage_data_share: str = ""  # efficiency: the field that says whether usage data exists

    def header(self, currency: str) -> str:
        return self.title.format(currency=currency)


FIGURE_COLUMNS = (
    Column("cost", "Cost ({currency})", "total_cost", "money"),
    Column("share", "Share %", "share", "share"),
    Column("previous", "Previous ({currency})", "previous_cost", "money", muted=True),
    Column("change", "Change %", "change", "change"),
    *(Column(resource.name, resource.title, resource.cost, "part") for resource in RESOURCES),
    Column("idle_share", "Idle share", "idle_share_cost", "part", shared_only=True),
    Column(
        "cpu_efficiency",
        "CPU efficiency %",
        "cpu_efficiency",
        "efficiency",
        usage_data_share="cpu_usage_data_share",
    ),
    Column(
        "memory_efficiency",
        "Memory efficiency %",
        "memory_efficiency",
        "efficiency",
        usage_data_share="memory_usage_data_share",
    ),
    Column("coverage", "Coverage %", "coverage", "coverage"),
    Column("forecast", "Month-end forecast ({currency})", "forecast_cost", "money"),
)
SORTABLE_FIELDS = {column.key: column.field for column in FIGURE_COLUMNS}


def table_columns(dimensions: Sequence[str], idle: str) -> list[Column]:
    """The columns of a report: its dimensions, then its figures (the idle share when shared)."""
    shared = idle == "share"
    return [
        *(Column(name, DIMENSION_TITLES[name], name, "dimension") for name in dimensions),
        *(column for column in FIGURE_COLUMNS if shared or not column.shared_only),
    ]
