"""The organization's node prices in SQL: price rules with a preview of the nodes they match,
its own catalogue rows, its spot factors, and the book the cost engine prices node-hours from.

Every function takes keyword-only arguments, an explicit session and the caller's org_id; an
id of another organization's rule is reported as not found.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Mapping

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from kube_console.costs.catalogue import (
    PROVIDERS,
    Catalogue,
    CatalogueRow,
    parse_catalogue,
    shipped_catalogue,
)
from kube_console.costs.node_pricing import (
    DEFAULT_SPOT_FACTOR,
    NodePriceBook,
    PriceRule,
    SpotFactors,
    precedence,
    rules_in_force,
)
from kube_console.costs.rows import CatalogueSummary, NodePriceRuleRow, SelectorPreview
from kube_console.costs.selectors import Terms, format_selector, parse_selector
from kube_console.db import utcnow
from kube_console.errors import FieldError, ValidationFailed
from kube_console.models import (
    Cluster,
    Node,
    NodePriceCatalogueRow,
    NodePriceRule,
    NodePriceSpotFactor,
)
from kube_console.security.authz import NotFound
from kube_console.services.prices import effective_from_field

MAX_RULES_PER_ORG = 500
MAX_RULE_PRICE = 100_000.0  # per node-hour; far above any real node
EXAMPLE_NODES = 5


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _price(value: float | str, field: str, errors: list[FieldError]) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        errors.append(FieldError(field, "must be a number, zero or more"))
        return 0.0
    if number > MAX_RULE_PRICE:
        errors.append(FieldError(field, f"must be at most {MAX_RULE_PRICE:,.0f} per node-hour"))
    return number


def _rule(row: NodePriceRule) -> PriceRule:
    assert row.id is not None  # stored
    return PriceRule(
        id=row.id,
        terms=parse_selector(row.selector),
        price_per_hour=row.price_per_hour,
        effective_from=row.effective_from,
        created_at=row.created_at,
    )


def _org_rules(session: Session, org_id: int) -> list[NodePriceRule]:
    return list(
        session.execute(
            select(NodePriceRule)
            .where(col(NodePriceRule.org_id) == org_id)
            .order_by(col(NodePriceRule.effective_from).desc(), col(NodePriceRule.id).desc())
        ).scalars()
    )


def create_rule(
    *,
    session: Session,
    org_id: int,
    selector: str,
    price_per_hour: float | str,
    effective_from: dt.datetime | str,
    created_by_user_id: int | None = None,
) -> NodePriceRuleRow:
    """Add a rule; every field is checked and all problems are reported together."""
    errors: list[FieldError] = []
    terms: Terms = ()
    try:
        terms = parse_selector(selector)
    except ValidationFailed as invalid:
        errors += invalid.errors
    price = _price(price_per_hour, "price_per_hour", errors)
    starts = effective_from_field(effective_from, errors)
    count = session.execute(
        select(func.count()).select_from(NodePriceRule).where(col(NodePriceRule.org_id) == org_id)
    ).scalar_one()
    if count >= MAX_RULES_PER_ORG:
        errors.append(
            FieldError("selector", f"an organization may keep at most {MAX_RULES_PER_ORG} rules")
        )
    if errors:
        raise ValidationFailed(errors)
    assert starts is not None  # else effective_from is among the errors
    row = NodePriceRule(
        org_id=org_id,
        selector=format_selector(terms),
        price_per_hour=price,
        effective_from=starts,
        created_by_user_id=created_by_user_id,
    )
    session.add(row)
    session.flush()
    return next(rule for rule in list_rules(session=session, org_id=org_id) if rule.id == row.id)


def delete_rule(*, session: Session, org_id: int, rule_id: int) -> None:
    row = session.get(NodePriceRule, rule_id)
    if row is None or row.org_id != org_id:
        raise NotFound("no such node price rule")
    session.delete(row)
    session.flush()


class _LiveNodes:
    """The organization's live nodes, indexed by label so a selector is a set intersection."""

    def __init__(self, session: Session, org_id: int):
        found = session.execute(
            select(col(Node.id), col(Node.name), col(Node.labels), col(Cluster.name))
            .join(Cluster, col(Cluster.id) == Node.cluster_id)
            .where(col(Cluster.org_id) == org_id, col(Node.deleted_at).is_(None))
            .order_by(col(Cluster.name), col(Node.name))
        ).all()
        self.names = {node_id: f"{cluster}/{name}" for node_id, name, _, cluster in found}
        self.order = [node_id for node_id, *_ in found]
        self.by_label: dict[tuple[str, str], set[int]] = defaultdict(set)
        for node_id, _, labels, _ in found:
            for key, value in (labels or {}).items():
                self.by_label[(key, value)].add(node_id)

    def matching(self, terms: Terms) -> set[int]:
        sets = [self.by_label.get(term, set()) for term in terms]
        return set.intersection(*sets) if sets else set()

    def examples(self, node_ids: set[int]) -> list[str]:
        return [self.names[node_id] for node_id in self.order if node_id in node_ids][
            :EXAMPLE_NODES
        ]


def list_rules(
    *, session: Session, org_id: int, now: dt.datetime | None = None
) -> list[NodePriceRuleRow]:
    """The org's rules, newest first, each with the live nodes it matches and prices now."""
    moment = now or utcnow()
    rows = _org_rules(session, org_id)
    rules = {rule.id: rule for rule in map(_rule, rows)}
    nodes = _LiveNodes(session, org_id)
    matches = {rule_id: nodes.matching(rule.terms) for rule_id, rule in rules.items()}
    in_force = {rule.id for rule in rules_in_force(rules.values(), moment)}
    priced: Counter[int] = Counter()
    candidates: dict[int, list[PriceRule]] = defaultdict(list)
    for rule_id in in_force:
        for node_id in matches[rule_id]:
            candidates[node_id].append(rules[rule_id])
    for competing in candidates.values():
        priced[max(competing, key=precedence).id] += 1
    return [
        NodePriceRuleRow(
            id=rule.id,
            selector=row.selector,
            price_per_hour=row.price_per_hour,
            effective_from=_iso(row.effective_from),
            created_at=_iso(row.created_at),
            status="in force" if rule.id in in_force else "scheduled",
            matching_nodes=len(matches[rule.id]),
            priced_nodes=priced[rule.id],
            example_nodes=nodes.examples(matches[rule.id]),
        )
        for row, rule in zip(rows, rules.values(), strict=True)
    ]


def preview_selector(*, session: Session, org_id: int, selector: str) -> SelectorPreview:
    """The live nodes a selector would match now (raises ValidationFailed for a bad one)."""
    terms = parse_selector(selector)
    nodes = _LiveNodes(session, org_id)
    matched = nodes.matching(terms)
    return SelectorPreview(
        selector=format_selector(terms),
        matching_nodes=len(matched),
        example_nodes=nodes.examples(matched),
    )


def _org_catalogue(session: Session, org_id: int) -> list[NodePriceCatalogueRow]:
    return list(
        session.execute(
            select(NodePriceCatalogueRow)
            .where(col(NodePriceCatalogueRow.org_id) == org_id)
            .order_by(col(NodePriceCatalogueRow.id))
        ).scalars()
    )


def catalogue_summary(*, session: Session, org_id: int) -> CatalogueSummary:
    counts = session.execute(
        select(
            col(NodePriceCatalogueRow.provider),
            func.count(),
            func.max(col(NodePriceCatalogueRow.uploaded_at)),
        )
        .where(col(NodePriceCatalogueRow.org_id) == org_id)
        .group_by(col(NodePriceCatalogueRow.provider))
    ).all()
    uploaded = max((uploaded_at for _, _, uploaded_at in counts), default=None)
    return CatalogueSummary(
        rows=sum(count for _, count, _ in counts),
        uploaded_at=_iso(uploaded),
        by_provider={provider: count for provider, count, _ in sorted(counts)},
        shipped_rows=len(shipped_catalogue()),
    )


def upload_catalogue(
    *, session: Session, org_id: int, data: bytes | str, uploaded_by_user_id: int | None = None
) -> CatalogueSummary:
    """Replace the org's catalogue with the file's rows; a file with any bad row changes nothing
    (raises CatalogueInvalid, whose errors read "line N: column: what is wrong")."""
    rows = parse_catalogue(data)
    session.execute(
        delete(NodePriceCatalogueRow).where(col(NodePriceCatalogueRow.org_id) == org_id)
    )
    now = utcnow()
    session.add_all(
        NodePriceCatalogueRow(
            org_id=org_id,
            provider=row.provider,
            region=row.region,
            instance_type=row.instance_type,
            vcpu=row.vcpu,
            memory_gib=row.memory_gib,
            gpu_count=row.gpu_count,
            gpu_model=row.gpu_model,
            on_demand_hour=row.on_demand_hour,
            source=row.source,
            as_of=row.as_of,
            uploaded_at=now,
            uploaded_by_user_id=uploaded_by_user_id,
        )
        for row in rows
    )
    session.flush()
    return catalogue_summary(session=session, org_id=org_id)


def clear_catalogue(*, session: Session, org_id: int) -> CatalogueSummary:
    session.execute(
        delete(NodePriceCatalogueRow).where(col(NodePriceCatalogueRow.org_id) == org_id)
    )
    session.flush()
    return catalogue_summary(session=session, org_id=org_id)


def spot_factors(*, session: Session, org_id: int) -> dict[str, float]:
    """The spot factor of every catalogue provider (0.35 where the org set none)."""
    stored = dict(
        session.execute(
            select(col(NodePriceSpotFactor.provider), col(NodePriceSpotFactor.factor)).where(
                col(NodePriceSpotFactor.org_id) == org_id
            )
        )
        .tuples()
        .all()
    )
    return {provider: stored.get(provider, DEFAULT_SPOT_FACTOR) for provider in PROVIDERS}


def set_spot_factors(
    *,
    session: Session,
    org_id: int,
    factors: Mapping[str, float | str],
    updated_by_user_id: int | None = None,
) -> dict[str, float]:
    """Set the factors given (providers aws, gcp, azure; each from 0 to 1)."""
    errors: list[FieldError] = []
    checked: dict[str, float] = {}
    for provider, value in factors.items():
        if provider not in PROVIDERS:
            errors.append(FieldError(str(provider)[:40], f"expected one of {', '.join(PROVIDERS)}"))
            continue
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or not 0 <= number <= 1:
            errors.append(FieldError(provider, "must be a number from 0 to 1, such as 0.35"))
        else:
            checked[provider] = number
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    for provider, number in checked.items():
        row = session.get(NodePriceSpotFactor, (org_id, provider))
        if row is None:
            session.add(
                NodePriceSpotFactor(
                    org_id=org_id,
                    provider=provider,
                    factor=number,
                    updated_by_user_id=updated_by_user_id,
                )
            )
        else:
            row.factor, row.updated_at, row.updated_by_user_id = number, now, updated_by_user_id
    session.flush()
    return spot_factors(session=session, org_id=org_id)


def node_price_book(*, session: Session, org_id: int) -> NodePriceBook:
    """The org's rules, its catalogue over the shipped one, and its spot factors, for pricing."""
    organization = [
        CatalogueRow(
            provider=row.provider,
            region=row.region,
            instance_type=row.instance_type,
            vcpu=row.vcpu,
            memory_gib=row.memory_gib,
            gpu_count=row.gpu_count,
            gpu_model=row.gpu_model,
            on_demand_hour=row.on_demand_hour,
            source=row.source,
            as_of=row.as_of,
            origin="organization",
        )
        for row in _org_catalogue(session, org_id)
    ]
    return NodePriceBook(
        rules=tuple(_rule(row) for row in _org_rules(session, org_id)),
        catalogue=Catalogue.merged(organization, shipped_catalogue()),
        spot_factors=SpotFactors(spot_factors(session=session, org_id=org_id)),
    )
