"""What each live node costs an hour now, and where that price comes from, for the Nodes tab and
for "show the math" on the costs page (cost-model.md, "Node prices").

A node is priced as the cost job prices the hour open now: from its labels and capacity, its
cluster's detected provider, the organization's price book (rules, catalogue, spot factors) and
the price sheet in force for its cluster.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlmodel import Session, col

from kube_console.costs.math import floor_hour
from kube_console.costs.node_prices import node_price_book
from kube_console.costs.node_pricing import (
    UNIT_PRICES,
    NodePrice,
)
from kube_console.costs.records import EffectivePrices
from kube_console.costs.rows import NodePriceNow
from kube_console.db import utcnow
from kube_console.errors import ValidationFailed
from kube_console.formatting import format_unit_price
from kube_console.models import Cluster, Node
from kube_console.services.prices import resolve_prices

MAX_NODES = 1_000  # a page of nodes, with room to spare; callers pass one page, not a fleet
MAX_SOURCES_SHOWN = 8


@dataclasses.dataclass(frozen=True)
class _Priced:
    node: Node
    price: NodePrice
    currency: str


def _price_nodes(
    session: Session, org_id: int, nodes: Iterable[tuple[Node, str]], now: dt.datetime
) -> list[_Priced]:
    """Each (node, cluster provider) priced for the hour open at `now`."""
    hour = floor_hour(now)
    book = node_price_book(session=session, org_id=org_id)
    sheets: dict[int, EffectivePrices] = {}
    priced = []
    for node, provider in nodes:
        if node.cluster_id not in sheets:
            sheets[node.cluster_id] = resolve_prices(
                session=session, org_id=org_id, cluster_id=node.cluster_id, at=hour
            )
        sheet = sheets[node.cluster_id]
        price = book.price_node(
            labels=dict(node.labels or {}),
            cores=node.capacity_cpu_cores,
            memory_bytes=node.capacity_memory_bytes,
            gpus=node.capacity_gpus,
            cluster_provider=provider,
            hour=hour,
            sheet=sheet,
        )
        priced.append(_Priced(node=node, price=price, currency=sheet.currency))
    return priced


def node_prices_now(
    *, session: Session, org_id: int, node_ids: Collection[int], now: dt.datetime | None = None
) -> dict[int, NodePriceNow]:
    """The hourly price and its source of each of these nodes of the org (others are left out)."""
    if len(node_ids) > MAX_NODES:
        raise ValidationFailed.one("node_ids", f"price at most {MAX_NODES:,} nodes at once")
    if not node_ids:
        return {}
    found = session.execute(
        select(Node, col(Cluster.provider))
        .join(Cluster, col(Cluster.id) == col(Node.cluster_id))
        .where(col(Cluster.org_id) == org_id, col(Node.id).in_(list(node_ids)))
    ).all()
    return {
        _stored_id(item.node): NodePriceNow(
            node_id=_stored_id(item.node),
            price_per_hour=item.price.price_per_hour,
            currency=item.currency,
            source=item.price.source,
            source_kind=item.price.source_kind,
        )
        for item in _price_nodes(session, org_id, found, now or utcnow())
    }


def _stored_id(node: Node) -> int:
    assert node.id is not None  # read from the database
    return node.id


def _source_phrase(price: NodePrice, count: int, money: str) -> str:
    nodes = f"{count} node{'s' if count != 1 else ''}"
    if price.source_kind == "rule":
        rule = price.source.removeprefix("rule ").replace(":", "", 1)
        return f"{nodes} by rule {rule} at {money}/h"
    if price.source_kind == "catalogue":
        row = price.catalogue_row
        label = f"{row.provider} {row.region} {row.instance_type}" if row else price.source
        if price.spot_factor is not None:
            return f"{nodes} from catalogue ({label}, spot × {price.spot_factor:g} = {money}/h)"
        return f"{nodes} from catalogue ({label}, {money}/h)"
    return f"{nodes} at unit prices"


def node_price_summary(
    *,
    session: Session,
    org_id: int,
    cluster_ids: Collection[int],
    now: dt.datetime | None = None,
) -> list[str]:
    """The node prices in force now on these clusters of the org, one phrase per source:
    "3 nodes from catalogue (aws us-east-1 m6i.large, spot × 0.35 = $0.0336/h)", "1 node by rule
    #2 pool=gpu at $2.10/h", "2 nodes at unit prices"; most nodes first."""
    found = session.execute(
        select(Node, col(Cluster.provider))
        .join(Cluster, col(Cluster.id) == col(Node.cluster_id))
        .where(
            col(Cluster.org_id) == org_id,
            col(Cluster.id).in_(list(cluster_ids)),
            col(Node.deleted_at).is_(None),
        )
    ).all()
    priced = _price_nodes(session, org_id, found, now or utcnow())
    counts: Counter[tuple[str, float, str]] = Counter()
    examples: dict[tuple[str, float, str], NodePrice] = {}
    for item in priced:
        # Nodes at unit prices each cost what their capacity does: one phrase for all of them.
        per_hour = 0.0 if item.price.source_kind == UNIT_PRICES else item.price.price_per_hour
        key = (item.price.source, round(per_hour, 9), item.currency)
        counts[key] += 1
        examples.setdefault(key, item.price)
    ordered = sorted(counts, key=lambda key: (-counts[key], key))
    phrases = [
        _source_phrase(examples[key], counts[key], format_unit_price(key[1], key[2]))
        for key in ordered[:MAX_SOURCES_SHOWN]
    ]
    if len(ordered) > MAX_SOURCES_SHOWN:
        rest = sum(counts[key] for key in ordered[MAX_SOURCES_SHOWN:])
        phrases.append(f"{rest} more nodes at {len(ordered) - MAX_SOURCES_SHOWN} other prices")
    return phrases
