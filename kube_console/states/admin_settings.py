"""Admin → Settings: the price sheets (the organization default and each cluster's own, each from
its effective time) with their history, and "recompute from <date>" with its progress.

A new sheet prices the hours that start after its effective time; hours already priced keep
their figures until an admin recomputes them. The recompute runs in a worker thread: the
thread counts the hours it has done into a counter, and the handler, on the event loop,
copies that count into the state a few times a second for the progress bar.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import reflex as rx
from sqlmodel import Session

from kube_console.clock import utcnow
from kube_console.costs import engine as costs_service
from kube_console.costs import queries as cost_queries
from kube_console.costs.math import floor_hour
from kube_console.costs.records import CostRunOutcome, EffectivePrices
from kube_console.errors import ValidationFailed
from kube_console.formatting import format_unit_price
from kube_console.security.authz import Action, NotFound
from kube_console.services import prices
from kube_console.services.prices import PriceSheetRow
from kube_console.services.sessions import open_app_session
from kube_console.settings import get_settings
from kube_console.states.guard import current_context, guarded, in_thread, ui_only


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceScope:
    """The organization default or one cluster, as the price sheet editor lists them."""

    cluster_id: int  # 0 for the organization default
    name: str
    has_sheets: bool
    network_measured: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceSheetView:
    effective_from: str
    currency: str
    cpu: str
    memory: str
    gpu: str
    storage: str
    network: str
    created_at: str
    status: str  # in force | scheduled | superseded


PROGRESS_SECONDS = 0.3  # how often the progress bar follows the recompute
ORG_DEFAULT = "Organization default"
SCOPE_GONE = "That cluster is not in your organization any more. The list has been refreshed."
SOURCES = {
    "cluster": "this cluster's own sheet",
    "org": "the organization default sheet",
    "built-in": "the built-in defaults (no sheet applies yet)",
}


def _moment_text(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso).astimezone(dt.UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def _day_text(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def sheet_view(sheet: PriceSheetRow, now: dt.datetime) -> PriceSheetView:
    starts = dt.datetime.fromisoformat(sheet.effective_from)
    status = "in force" if sheet.in_force else "scheduled" if starts > now else "superseded"
    money = sheet.currency
    return PriceSheetView(
        effective_from=_moment_text(sheet.effective_from),
        currency=sheet.currency,
        cpu=format_unit_price(sheet.cpu_core_hour, money),
        memory=format_unit_price(sheet.memory_gib_hour, money),
        gpu=format_unit_price(sheet.gpu_hour, money),
        storage=format_unit_price(sheet.storage_gib_hour, money),
        network=format_unit_price(sheet.network_gb, money),
        created_at=sheet.created_at,
        status=status,
    )


@dataclasses.dataclass(frozen=True)
class _ScopeDetail:
    scopes: list[PriceScope]
    cluster_id: int | None
    in_force: EffectivePrices
    sheets: list[PriceSheetRow]


def _scope_detail(
    *, session: Session, org_id: int, cluster_id: int | None, now: dt.datetime
) -> _ScopeDetail:
    """Every scope of the org, and the prices and history of one (raises NotFound for a
    cluster of another org)."""
    sheets = prices.list_price_sheets(
        session=session, org_id=org_id, cluster_id=cluster_id, now=now
    )
    in_force = prices.resolve_prices(session=session, org_id=org_id, cluster_id=cluster_id, at=now)
    sources = cost_queries.network_sources(session=session, org_id=org_id)
    clusters = cost_queries.filter_options(session=session, org_id=org_id).clusters
    scopes = [
        PriceScope(
            cluster_id=0,
            name=ORG_DEFAULT,
            has_sheets=bool(prices.list_price_sheets(session=session, org_id=org_id, now=now)),
            network_measured=any(source != "none" for source in sources.values()),
        )
    ]
    for cluster in clusters:
        own = prices.list_price_sheets(
            session=session, org_id=org_id, cluster_id=cluster.id, now=now
        )
        scopes.append(
            PriceScope(
                cluster_id=cluster.id,
                name=cluster.name,
                has_sheets=bool(own),
                network_measured=sources.get(cluster.name, "none") != "none",
            )
        )
    return _ScopeDetail(scopes=scopes, cluster_id=cluster_id, in_force=in_force, sheets=sheets)


class _HourCounter:
    """Filled by the recompute's thread, read by the handler on the event loop. Plain int
    assignments are atomic in CPython, so no lock is needed for a progress figure."""

    def __init__(self) -> None:
        self.done = 0
        self.planned = 0

    def __call__(self, done: int, planned: int) -> None:
        self.done, self.planned = done, planned


def _recompute_message(outcomes: list[CostRunOutcome], since: str) -> Any:
    hours = sum(outcome.hours_computed for outcome in outcomes)
    failed = [outcome for outcome in outcomes if outcome.error]
    clusters = len(outcomes) - len(failed)
    done = (
        f"Recomputed {hours:,} hour{'s' if hours != 1 else ''} on {clusters} "
        f"cluster{'s' if clusters != 1 else ''} from {since}."
    )
    if failed:
        names = ", ".join(f"{outcome.cluster_name} ({outcome.error})" for outcome in failed)
        return rx.toast.warning(f"{done} These failed and keep their old figures: {names}")
    if not hours:
        return rx.toast.info(
            f"Nothing to recompute from {since}: no usage samples are kept for those hours."
        )
    return rx.toast.success(done)


class SettingsState(rx.State):
    loaded: bool = False
    refusal: str = ""

    scopes: list[PriceScope] = []
    scope_id: int = 0  # the scope shown: 0 for the organization default, else a cluster's id
    scope_name: str = ORG_DEFAULT
    network_measured: bool = False
    source: str = ""
    source_since: str = ""
    price_cpu: str = ""
    price_memory: str = ""
    price_gpu: str = ""
    price_storage: str = ""
    price_network: str = ""
    sheets: list[PriceSheetView] = []

    sheet_open: bool = False
    sheet_errors: dict[str, str] = {}
    saving: bool = False
    draft: dict[str, str] = {}  # the new sheet form's starting values: the prices in force
    suggest_recompute_from: str = ""  # a sheet just added starts in the past: offer a recompute

    recompute_open: bool = False
    recompute_errors: dict[str, str] = {}
    recompute_since: str = ""
    retention_from: str = ""  # hours before this day have no raw samples left to recompute
    recomputing: bool = False
    recompute_label: str = ""
    recompute_done: int = 0
    recompute_total: int = 0

    _scope_cluster_id: int | None = None

    def _refuse(self, reason: str) -> None:
        self.loaded, self.refusal = True, reason
        self.scopes, self.sheets, self._scope_cluster_id = [], [], None
        self.sheet_open = self.recompute_open = False

    def _show(self, detail: _ScopeDetail, now: dt.datetime) -> None:
        self.loaded, self.refusal = True, ""
        self.scopes, self._scope_cluster_id = detail.scopes, detail.cluster_id
        self.scope_id = detail.cluster_id or 0
        scope = next(item for item in detail.scopes if item.cluster_id == self.scope_id)
        self.scope_name, self.network_measured = scope.name, scope.network_measured
        shown = detail.in_force
        self.source = SOURCES[shown.source]
        self.source_since = _moment_text(shown.effective_from) if shown.effective_from else ""
        self.price_cpu = format_unit_price(shown.cpu_core_hour, shown.currency)
        self.price_memory = format_unit_price(shown.memory_gib_hour, shown.currency)
        self.price_gpu = format_unit_price(shown.gpu_hour, shown.currency)
        self.price_storage = format_unit_price(shown.storage_gib_hour, shown.currency)
        self.price_network = format_unit_price(shown.network_gb, shown.currency)
        self.sheets = [sheet_view(sheet, now) for sheet in detail.sheets]
        next_hour = floor_hour(now) + dt.timedelta(hours=1)
        self.draft = {
            "effective_from": next_hour.strftime("%Y-%m-%dT%H:%M"),
            "currency": shown.currency,
            "cpu_core_hour": repr(shown.cpu_core_hour),
            "memory_gib_hour": repr(shown.memory_gib_hour),
            "gpu_hour": repr(shown.gpu_hour),
            "storage_gib_hour": repr(shown.storage_gib_hour),
            "network_gb": repr(shown.network_gb),
        }
        settings = get_settings()
        self.retention_from = (
            (now - dt.timedelta(days=settings.sample_retention_days)).date().isoformat()
        )

    async def _open_scope(self, cluster_id: int | None) -> Any:
        """Show one scope; another org's cluster (or one deleted meanwhile) gets a clean refusal."""
        now = utcnow()
        org_id = current_context().org_id
        try:
            detail = await in_thread(_scope_detail, org_id=org_id, cluster_id=cluster_id, now=now)
        except NotFound:
            detail = await in_thread(_scope_detail, org_id=org_id, cluster_id=None, now=now)
            async with self:
                self._show(detail, now)
            return rx.toast.error(SCOPE_GONE)
        async with self:
            self._show(detail, now)
        return None

    @guarded(Action.MANAGE_PRICES, on_forbidden=_refuse)
    async def load(self):
        async with self:
            cluster_id = self._scope_cluster_id
        return await self._open_scope(cluster_id)

    @guarded(Action.MANAGE_PRICES)
    async def select_scope(self, cluster_id: int):
        async with self:
            self.suggest_recompute_from = ""
        return await self._open_scope(int(cluster_id) or None)

    @ui_only
    def sheet_dialog_changed(self, open: bool):
        self.sheet_open, self.sheet_errors = open, {}

    @guarded(Action.MANAGE_PRICES)
    async def create_sheet(self, form: dict[str, str]):
        async with self:
            cluster_id, self.saving, self.sheet_errors = self._scope_cluster_id, True, {}
        caller = current_context()
        try:
            row = await in_thread(
                prices.create_price_sheet,
                org_id=caller.org_id,
                cluster_id=cluster_id,
                effective_from=form.get("effective_from", ""),
                cpu_core_hour=form.get("cpu_core_hour", ""),
                memory_gib_hour=form.get("memory_gib_hour", ""),
                gpu_hour=form.get("gpu_hour", ""),
                storage_gib_hour=form.get("storage_gib_hour", ""),
                network_gb=form.get("network_gb", ""),
                currency=form.get("currency", ""),
                created_by_user_id=caller.user_id,
            )
        except ValidationFailed as invalid:
            async with self:
                self.saving, self.sheet_errors = False, invalid.by_field()
            return None
        except NotFound:
            async with self:
                self.saving, self.sheet_open = False, False
            await self._open_scope(None)
            return rx.toast.error(SCOPE_GONE)
        refusal = await self._open_scope(cluster_id)
        starts = dt.datetime.fromisoformat(row.effective_from)
        async with self:
            self.saving, self.sheet_open = False, False
            scope = self.scope_name
            self.suggest_recompute_from = starts.date().isoformat() if starts < utcnow() else ""
        return refusal or rx.toast.success(
            f"New prices for {scope} take effect {_moment_text(row.effective_from)}."
        )

    @ui_only
    def recompute_dialog_changed(self, open: bool):
        if self.recomputing:
            return
        self.recompute_open, self.recompute_errors = open, {}
        if open and not self.recompute_since:
            self.recompute_since = self.suggest_recompute_from or self.retention_from

    @ui_only
    def offer_recompute(self):
        """The "recompute from <date>" the page offers after a sheet that starts in the past."""
        self.recompute_since = self.suggest_recompute_from
        self.recompute_open, self.recompute_errors = True, {}

    @guarded(Action.MANAGE_PRICES)
    async def recompute(self, form: dict[str, str]):
        async with self:
            if self.recomputing:
                return None
            only_this = form.get("scope") == "cluster" and self._scope_cluster_id is not None
            cluster_id = self._scope_cluster_id if only_this else None
            since = form.get("since", "")
            self.recomputing, self.recompute_errors = True, {}
            self.recompute_done, self.recompute_total = 0, 0
            self.recompute_label = f"on {self.scope_name}" if only_this else "on every cluster"
        counter = _HourCounter()
        work = asyncio.create_task(
            asyncio.to_thread(
                costs_service.recompute_costs,
                open_session=open_app_session,
                org_id=current_context().org_id,
                since=since,
                settings=get_settings(),
                cluster_id=cluster_id,
                progress=counter,
                now=utcnow(),
            )
        )
        while not work.done():
            await asyncio.wait({work}, timeout=PROGRESS_SECONDS)
            async with self:
                self.recompute_done, self.recompute_total = counter.done, counter.planned
        try:
            outcomes = work.result()
        except ValidationFailed as invalid:
            async with self:
                self.recomputing, self.recompute_errors = False, invalid.by_field()
            return None
        except NotFound:
            async with self:
                self.recomputing, self.recompute_open = False, False
            await self._open_scope(None)
            return rx.toast.error(SCOPE_GONE)
        async with self:
            self.recomputing, self.recompute_open = False, False
            self.suggest_recompute_from, self.recompute_since = "", ""
        shown_since = _day_text(dt.datetime.fromisoformat(since)) if since else since
        return _recompute_message(outcomes, shown_since)

    @rx.var
    def recompute_percent(self) -> int:
        if not self.recompute_total:
            return 0
        return round(self.recompute_done / self.recompute_total * 100)
