"""Records of node prices sent to the browser and the other faces; never table rows.

Times are ISO 8601 UTC strings, as in kube_console/costs/records.py.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class NodePriceRuleRow:
    id: int
    selector: str
    price_per_hour: float
    effective_from: str
    created_at: str
    status: str  # "in force" | "scheduled"
    matching_nodes: int  # live nodes of the organization whose labels hold every term now
    priced_nodes: int  # of those, the ones this rule prices now (it is the most specific)
    example_nodes: list[str]  # a few "cluster/node" names


@dataclasses.dataclass(frozen=True, kw_only=True)
class SelectorPreview:
    selector: str
    matching_nodes: int
    example_nodes: list[str]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CatalogueSummary:
    """The organization's uploaded catalogue (rows 0: the shipped one alone applies)."""

    rows: int
    uploaded_at: str
    by_provider: dict[str, int]
    shipped_rows: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class NodePriceNow:
    """What a node costs for the hour open now, and where the price comes from."""

    node_id: int
    price_per_hour: float
    currency: str
    source: str  # "rule #2: pool=gpu", "catalogue: aws us-east-1 m5.large", "unit prices"
    source_kind: str  # rule | catalogue | unit prices
