"""Price sheets: create them, list each scope's history, find the prices in force for an hour.

Lookup order (cost-model.md "Prices"): the cluster's own sheet, else the organization's
default sheet, else the built-in defaults. A sheet applies to the hours that start at or
after its `effective_from`, so a new sheet never silently rewrites hours already priced:
recomputing them is the explicit admin action in costs/engine.py.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlmodel import Session, col

from kube_console.costs.math import BUILT_IN_PRICES, UnitPrices, floor_hour, parse_utc_time
from kube_console.costs.node_pricing import BUILT_IN_GPU_HOUR
from kube_console.costs.records import EffectivePrices
from kube_console.db import utcnow
from kube_console.errors import FieldError, ValidationFailed
from kube_console.models import Cluster, PriceSheet
from kube_console.security.authz import NotFound


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceSheetRow:
    id: int
    scope: str  # "cluster" | "org"
    cluster_id: int  # 0 for the org default
    effective_from: str
    currency: str
    cpu_core_hour: float
    memory_gib_hour: float
    gpu_hour: float  # per GPU hour
    storage_gib_hour: float
    network_gb: float
    created_at: str
    in_force: bool  # the sheet of its scope in force now


PRICE_FIELDS = ("cpu_core_hour", "memory_gib_hour", "gpu_hour", "storage_gib_hour", "network_gb")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
MAX_UNIT_PRICE = 1_000_000.0  # far above any real unit price; catches a mistyped figure


def _price(field: str, value: float | str, errors: list[FieldError]) -> float:
    if isinstance(value, bool):
        errors.append(FieldError(field, "must be a number"))
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.append(FieldError(field, "must be a number"))
        return 0.0
    if not math.isfinite(number) or number < 0:
        errors.append(FieldError(field, "must be a finite number, zero or more"))
    elif number > MAX_UNIT_PRICE:
        errors.append(FieldError(field, f"must be at most {MAX_UNIT_PRICE:,.0f}"))
    return number


def effective_from_field(value: dt.datetime | str, errors: list[FieldError]) -> dt.datetime | None:
    """An `effective_from` as a UTC time, or None with the field's error added to `errors`."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        return parse_utc_time(str(value))
    except ValueError:
        errors.append(
            FieldError(
                "effective_from", "must be a date or time, such as 2026-12-01 or 2026-12-01T00:00Z"
            )
        )
        return None


def _scope(session: Session, *, org_id: int, cluster_id: int | None) -> None:
    if cluster_id is None:
        return
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster.org_id != org_id:
        raise NotFound("no such cluster")


def _scope_filter(org_id: int, cluster_id: int | None) -> tuple[ColumnElement[bool], ...]:
    return (
        col(PriceSheet.org_id) == org_id,
        col(PriceSheet.cluster_id).is_(None)
        if cluster_id is None
        else col(PriceSheet.cluster_id) == cluster_id,
    )


def create_price_sheet(
    *,
    session: Session,
    org_id: int,
    cluster_id: int | None = None,
    effective_from: dt.datetime | str,
    cpu_core_hour: float | str,
    memory_gib_hour: float | str,
    storage_gib_hour: float | str,
    network_gb: float | str,
    gpu_hour: float | str = BUILT_IN_GPU_HOUR,
    currency: str = "USD",
    created_by_user_id: int | None = None,
) -> PriceSheetRow:
    """Add a sheet to the org default (cluster_id None) or to one cluster of the org."""
    _scope(session, org_id=org_id, cluster_id=cluster_id)
    errors: list[FieldError] = []
    prices = {
        field: _price(field, value, errors)
        for field, value in zip(
            PRICE_FIELDS, (cpu_core_hour, memory_gib_hour, gpu_hour, storage_gib_hour, network_gb)
        )
    }
    code = (currency or "").strip().upper()
    if not CURRENCY_PATTERN.match(code):
        errors.append(
            FieldError("currency", "must be a three-letter currency code such as USD or EUR")
        )
    starts = effective_from_field(effective_from, errors)
    if starts is not None:
        taken = session.execute(
            select(col(PriceSheet.id)).where(
                *_scope_filter(org_id, cluster_id), col(PriceSheet.effective_from) == starts
            )
        ).first()
        if taken:
            errors.append(
                FieldError(
                    "effective_from", "another sheet of this scope takes effect at that time"
                )
            )
    if errors:
        raise ValidationFailed(errors)
    assert starts is not None  # else effective_from is among the errors
    sheet = PriceSheet(
        org_id=org_id,
        cluster_id=cluster_id,
        effective_from=starts,
        currency=code,
        created_by_user_id=created_by_user_id,
        cpu_core_hour=prices["cpu_core_hour"],
        memory_gib_hour=prices["memory_gib_hour"],
        gpu_hour=prices["gpu_hour"],
        storage_gib_hour=prices["storage_gib_hour"],
        network_gb=prices["network_gb"],
    )
    session.add(sheet)
    session.flush()
    return _row(sheet, in_force=False)


def list_price_sheets(
    *, session: Session, org_id: int, cluster_id: int | None = None, now: dt.datetime | None = None
) -> list[PriceSheetRow]:
    """One scope's sheets, newest effective_from first, marking the one in force now."""
    _scope(session, org_id=org_id, cluster_id=cluster_id)
    sheets = (
        session.execute(
            select(PriceSheet)
            .where(*_scope_filter(org_id, cluster_id))
            .order_by(col(PriceSheet.effective_from).desc())
        )
        .scalars()
        .all()
    )
    moment = now or utcnow()
    in_force = next((sheet.id for sheet in sheets if sheet.effective_from <= moment), None)
    return [_row(sheet, in_force=sheet.id == in_force) for sheet in sheets]


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _row(sheet: PriceSheet, *, in_force: bool) -> PriceSheetRow:
    assert sheet.id is not None  # stored
    return PriceSheetRow(
        id=sheet.id,
        scope="org" if sheet.cluster_id is None else "cluster",
        cluster_id=sheet.cluster_id or 0,
        effective_from=_iso(sheet.effective_from),
        currency=sheet.currency,
        cpu_core_hour=sheet.cpu_core_hour,
        memory_gib_hour=sheet.memory_gib_hour,
        gpu_hour=sheet.gpu_hour,
        storage_gib_hour=sheet.storage_gib_hour,
        network_gb=sheet.network_gb,
        created_at=_iso(sheet.created_at),
        in_force=in_force,
    )


@dataclasses.dataclass(frozen=True)
class _Timeline:
    """One scope's sheets, oldest first, as (effective_from, prices)."""

    starts: list[dt.datetime]
    prices: list[UnitPrices]

    def at(self, moment: dt.datetime) -> UnitPrices | None:
        index = bisect.bisect_right(self.starts, moment)
        return self.prices[index - 1] if index else None


def _timeline(sheets: Sequence[PriceSheet]) -> _Timeline:
    ordered = sorted(sheets, key=lambda sheet: sheet.effective_from)
    return _Timeline(
        starts=[sheet.effective_from for sheet in ordered],
        prices=[
            UnitPrices(
                cpu_core_hour=sheet.cpu_core_hour,
                memory_gib_hour=sheet.memory_gib_hour,
                storage_gib_hour=sheet.storage_gib_hour,
                network_gb=sheet.network_gb,
                currency=sheet.currency,
                sheet_id=sheet.id,
                gpu_hour=sheet.gpu_hour,
            )
            for sheet in ordered
        ],
    )


@dataclasses.dataclass(frozen=True)
class PriceBook:
    """Every sheet that can price one cluster, loaded once and consulted per hour."""

    cluster: _Timeline
    org: _Timeline

    def source_at(self, hour_start: dt.datetime) -> tuple[str, UnitPrices]:
        if (prices := self.cluster.at(hour_start)) is not None:
            return "cluster", prices
        if (prices := self.org.at(hour_start)) is not None:
            return "org", prices
        return "built-in", BUILT_IN_PRICES

    def at(self, hour_start: dt.datetime) -> UnitPrices:
        return self.source_at(hour_start)[1]


def price_book(*, session: Session, org_id: int, cluster_id: int | None) -> PriceBook:
    """The sheets of one cluster and of its org (cluster_id None: the org's alone)."""
    scopes: ColumnElement[bool] = col(PriceSheet.cluster_id).is_(None)
    if cluster_id is not None:
        scopes = scopes | (col(PriceSheet.cluster_id) == cluster_id)
    sheets = (
        session.execute(select(PriceSheet).where(col(PriceSheet.org_id) == org_id, scopes))
        .scalars()
        .all()
    )
    return PriceBook(
        cluster=_timeline([sheet for sheet in sheets if sheet.cluster_id is not None]),
        org=_timeline([sheet for sheet in sheets if sheet.cluster_id is None]),
    )


def resolve_prices(
    *, session: Session, org_id: int, cluster_id: int | None = None, at: dt.datetime
) -> EffectivePrices:
    """The prices the hour holding `at` is charged at on this cluster (None: the org default)."""
    _scope(session, org_id=org_id, cluster_id=cluster_id)
    book = price_book(session=session, org_id=org_id, cluster_id=cluster_id)
    source, prices = book.source_at(floor_hour(at))
    sheet = session.get(PriceSheet, prices.sheet_id) if prices.sheet_id else None
    return EffectivePrices(
        source=source,
        sheet_id=prices.sheet_id or 0,
        effective_from=_iso(sheet.effective_from) if sheet else "",
        currency=prices.currency,
        cpu_core_hour=prices.cpu_core_hour,
        memory_gib_hour=prices.memory_gib_hour,
        gpu_hour=prices.gpu_hour,
        storage_gib_hour=prices.storage_gib_hour,
        network_gb=prices.network_gb,
    )
