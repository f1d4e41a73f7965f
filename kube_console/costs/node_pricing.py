"""What one node-hour costs, and the per-unit prices it splits into (cost-model.md, "Node prices").

Pure: the engine hands in a node's state from the first sample covering the hour, the
organization's rules, the catalogue, the spot factors and the sheet in force, and gets back

    price = price_node_hour(node, hour=h, rules=..., catalogue=..., spot_factors=..., sheet=...)
    price.price_per_hour, price.source, price.cpu_per_core, price.memory_per_gib, price.gpu_per_gpu

The first source that applies wins: a node price rule, the catalogue, the unit prices.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from kube_console.costs.catalogue import Catalogue, CatalogueRow
from kube_console.costs.gpus import node_gpu_capacity
from kube_console.costs.math import GIB
from kube_console.costs.selectors import Terms, format_selector, selector_matches
from kube_console.kube.objects import is_spot

INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
REGION_LABEL = "topology.kubernetes.io/region"
# The cluster's detected provider (kube/provider.py keys) -> the catalogue's provider.
CATALOGUE_PROVIDERS = {"eks": "aws", "gke": "gcp", "aks": "azure"}
DEFAULT_SPOT_FACTOR = 0.35
BUILT_IN_GPU_HOUR = 0.95  # cost-model.md "Prices": the built-in gpu price per GPU hour
UNIT_PRICES = "unit prices"


@dataclasses.dataclass(frozen=True, slots=True)
class NodeFacts:
    """A node as one sample saw it: its labels, capacity, and its cluster's detected provider."""

    labels: Mapping[str, str]
    cores: float
    memory_gib: float
    gpus: float = 0.0
    cluster_provider: str = ""  # "eks", "gke", "aks", "self-managed-aws", "kind", ...


class UnitPriced(Protocol):
    """Anything holding a sheet's unit prices (the engine's, the price service's)."""

    @property
    def cpu_core_hour(self) -> float: ...
    @property
    def memory_gib_hour(self) -> float: ...
    @property
    def gpu_hour(self) -> float: ...


@dataclasses.dataclass(frozen=True, slots=True)
class SheetPrices:
    """The unit prices of the sheet in force, which also weigh the split."""

    cpu_core_hour: float
    memory_gib_hour: float
    gpu_hour: float = BUILT_IN_GPU_HOUR

    @classmethod
    def of(cls, prices: UnitPriced) -> SheetPrices:
        return cls(
            cpu_core_hour=prices.cpu_core_hour,
            memory_gib_hour=prices.memory_gib_hour,
            gpu_hour=prices.gpu_hour,
        )


@dataclasses.dataclass(frozen=True, slots=True)
class PriceRule:
    """A node price rule: every node whose labels hold all `terms` costs `price_per_hour`
    for the hours that start at or after `effective_from`."""

    id: int
    terms: Terms
    price_per_hour: float
    effective_from: dt.datetime
    created_at: dt.datetime

    @property
    def selector(self) -> str:
        return format_selector(self.terms)

    def matches(self, labels: Mapping[str, str]) -> bool:
        return selector_matches(self.terms, labels)


@dataclasses.dataclass(frozen=True, slots=True)
class SpotFactors:
    """The fraction of the on-demand price a spot node costs, per catalogue provider."""

    by_provider: Mapping[str, float] = dataclasses.field(default_factory=dict)

    def of(self, provider: str) -> float:
        return self.by_provider.get(provider, DEFAULT_SPOT_FACTOR)


@dataclasses.dataclass(frozen=True, slots=True)
class NodePrice:
    """P(node, h), where it came from, and the node's per-unit prices for that hour."""

    price_per_hour: float
    source: (
        str  # "rule #12: pool=gpu", "catalogue: aws us-east-1 m5.large, spot × 0.35", "unit prices"
    )
    source_kind: str  # "rule" | "catalogue" | UNIT_PRICES
    cpu_per_core: float
    memory_per_gib: float
    gpu_per_gpu: float
    rule_id: int | None = None
    catalogue_row: CatalogueRow | None = None
    spot_factor: float | None = None  # set when a spot catalogue price applied

    @property
    def charged(self) -> bool:
        """False when the sheet's prices are all zero: nothing goes to namespaces (W = 0)."""
        return bool(self.cpu_per_core or self.memory_per_gib or self.gpu_per_gpu)


def catalogue_provider(cluster_provider: str) -> str | None:
    """aws, gcp or azure for EKS, GKE and AKS clusters; other clusters match no catalogue row."""
    return CATALOGUE_PROVIDERS.get(cluster_provider)


def rules_in_force(rules: Iterable[PriceRule], hour: dt.datetime) -> list[PriceRule]:
    return [rule for rule in rules if rule.effective_from <= hour]


def precedence(rule: PriceRule) -> tuple[int, dt.datetime, dt.datetime, int]:
    # Most terms, then the latest effective_from, then the latest created; the id only
    # breaks exact ties so the choice never depends on the order rules were loaded in.
    return (len(rule.terms), rule.effective_from, rule.created_at, rule.id)


def winning_rule(
    rules: Iterable[PriceRule], labels: Mapping[str, str], hour: dt.datetime
) -> PriceRule | None:
    """The rule that prices a node with these labels in the hour starting at `hour`."""
    matching = [rule for rule in rules_in_force(rules, hour) if rule.matches(labels)]
    return max(matching, key=precedence, default=None)


def unit_price(node: NodeFacts, sheet: SheetPrices) -> float:
    """P = cores × cpu + GiB × memory + gpus × gpu, the sheet's price of the whole node."""
    return (
        node.cores * sheet.cpu_core_hour
        + node.memory_gib * sheet.memory_gib_hour
        + node.gpus * sheet.gpu_hour
    )


def split(price_per_hour: float, node: NodeFacts, sheet: SheetPrices) -> tuple[float, float, float]:
    """Per-unit prices (per core, per GiB, per GPU) that add up to `price_per_hour` over the
    node's capacity, weighted by the sheet: each is the sheet's unit price × P / W.

    W = 0 (a sheet of zero prices): nothing is charged and the whole node price is idle.
    """
    weight = unit_price(node, sheet)
    if weight == 0:
        return 0.0, 0.0, 0.0
    if price_per_hour == weight:  # source 3, or a price equal to it: exactly the sheet's
        return sheet.cpu_core_hour, sheet.memory_gib_hour, sheet.gpu_hour
    ratio = price_per_hour / weight
    return sheet.cpu_core_hour * ratio, sheet.memory_gib_hour * ratio, sheet.gpu_hour * ratio


def _priced(
    node: NodeFacts,
    sheet: SheetPrices,
    price: float,
    *,
    source: str,
    source_kind: str,
    rule_id: int | None = None,
    catalogue_row: CatalogueRow | None = None,
    spot_factor: float | None = None,
) -> NodePrice:
    cpu, memory, gpu = split(price, node, sheet)
    return NodePrice(
        price_per_hour=price,
        source=source,
        source_kind=source_kind,
        cpu_per_core=cpu,
        memory_per_gib=memory,
        gpu_per_gpu=gpu,
        rule_id=rule_id,
        catalogue_row=catalogue_row,
        spot_factor=spot_factor,
    )


def price_node_hour(
    node: NodeFacts,
    *,
    hour: dt.datetime,
    rules: Sequence[PriceRule],
    catalogue: Catalogue,
    spot_factors: SpotFactors,
    sheet: SheetPrices,
) -> NodePrice:
    """P(node, h) from the first source that applies: rule, catalogue, unit prices."""
    rule = winning_rule(rules, node.labels, hour)
    if rule is not None:  # a rule's price is final: no spot factor
        return _priced(
            node,
            sheet,
            rule.price_per_hour,
            source=f"rule #{rule.id}: {rule.selector}",
            source_kind="rule",
            rule_id=rule.id,
        )
    provider = catalogue_provider(node.cluster_provider)
    row = catalogue.lookup(
        provider, node.labels.get(REGION_LABEL), node.labels.get(INSTANCE_TYPE_LABEL)
    )
    if row is not None and provider is not None:
        if is_spot(node.labels):
            factor = spot_factors.of(provider)
            return _priced(
                node,
                sheet,
                row.on_demand_hour * factor,
                source=f"catalogue: {row.label}, spot × {factor:g}",
                source_kind="catalogue",
                catalogue_row=row,
                spot_factor=factor,
            )
        return _priced(
            node,
            sheet,
            row.on_demand_hour,
            source=f"catalogue: {row.label}",
            source_kind="catalogue",
            catalogue_row=row,
        )
    return _priced(
        node, sheet, unit_price(node, sheet), source=UNIT_PRICES, source_kind=UNIT_PRICES
    )


@dataclasses.dataclass(frozen=True)
class NodePriceBook:
    """Everything that prices an organization's nodes, loaded once per cost run."""

    rules: tuple[PriceRule, ...]
    catalogue: Catalogue
    spot_factors: SpotFactors

    def price(self, node: NodeFacts, *, hour: dt.datetime, sheet: SheetPrices) -> NodePrice:
        return price_node_hour(
            node,
            hour=hour,
            rules=self.rules,
            catalogue=self.catalogue,
            spot_factors=self.spot_factors,
            sheet=sheet,
        )

    def price_node(
        self,
        *,
        labels: Mapping[str, str],
        cores: float,
        memory_bytes: float,
        gpus: float,
        cluster_provider: str,
        hour: dt.datetime,
        sheet: UnitPriced,
    ) -> NodePrice:
        """What a node with this state costs in the hour starting at `hour`: the one way the
        cost job and the pages price a node."""
        if not gpus:  # a GPU instance whose device plugin reports nothing still has its GPUs
            row = self.catalogue.lookup(
                catalogue_provider(cluster_provider),
                labels.get(REGION_LABEL),
                labels.get(INSTANCE_TYPE_LABEL),
            )
            gpus = node_gpu_capacity({}, catalogue_gpus=row.gpu_count if row else 0)
        facts = NodeFacts(
            labels=labels,
            cores=cores,
            memory_gib=memory_bytes / GIB,
            gpus=gpus,
            cluster_provider=cluster_provider,
        )
        return self.price(facts, hour=hour, sheet=SheetPrices.of(sheet))
