"""Admin → Settings → Node prices: the organization's node price rules with the nodes each
matches now, its own price catalogue (uploaded CSV, checked row by row) and its spot factors.

Members may read all of it; changing it needs the admin role, checked on the server for
every event. The rule to delete is chosen in the browser and re-checked against the
caller's organization when it is deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import reflex as rx
from sqlmodel import Session

from kube_console.clock import utcnow
from kube_console.costs import node_prices
from kube_console.costs.catalogue import MAX_UPLOAD_BYTES, CatalogueInvalid
from kube_console.costs.math import floor_hour
from kube_console.costs.rows import CatalogueSummary, NodePriceRuleRow
from kube_console.errors import ValidationFailed
from kube_console.formatting import format_unit_price
from kube_console.security.authz import Action, NotFound
from kube_console.states.guard import current_context, guarded, in_thread, ui_only

PROVIDER_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}
RULE_GONE = "That rule is not there any more. The list has been refreshed."


@dataclasses.dataclass(frozen=True, kw_only=True)
class NodePriceRuleView:
    id: int
    selector: str
    price: str  # "$0.05"
    effective_from: str  # "1 Mar 2026, 00:00 UTC"
    status: str  # "in force" | "scheduled"
    matching_nodes: int
    priced_nodes: int
    examples: str  # "shop/node-a, shop/node-b"


@dataclasses.dataclass(frozen=True)
class _Settings:
    rules: list[NodePriceRuleRow]
    catalogue: CatalogueSummary
    spot_factors: dict[str, float]


def _moment_text(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso).astimezone(dt.UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def rule_view(row: NodePriceRuleRow) -> NodePriceRuleView:
    return NodePriceRuleView(
        id=row.id,
        selector=row.selector,
        price=format_unit_price(row.price_per_hour),
        effective_from=_moment_text(row.effective_from),
        status=row.status,
        matching_nodes=row.matching_nodes,
        priced_nodes=row.priced_nodes,
        examples=", ".join(row.example_nodes),
    )


def _read_settings(*, session: Session, org_id: int, now: dt.datetime) -> _Settings:
    return _Settings(
        rules=node_prices.list_rules(session=session, org_id=org_id, now=now),
        catalogue=node_prices.catalogue_summary(session=session, org_id=org_id),
        spot_factors=node_prices.spot_factors(session=session, org_id=org_id),
    )


class NodePricesState(rx.State):
    loaded: bool = False
    can_edit: bool = False

    rules: list[NodePriceRuleView] = []
    rule_open: bool = False
    rule_errors: dict[str, str] = {}
    rule_saving: bool = False
    rule_starts: str = ""  # the new rule form's effective time: the next hour
    preview_text: str = ""

    delete_open: bool = False
    delete_id: int = 0
    delete_selector: str = ""
    deleting: bool = False

    catalogue_rows: int = 0
    catalogue_uploaded_at: str = ""
    catalogue_providers: str = ""
    shipped_rows: int = 0
    catalogue_open: bool = False
    catalogue_errors: list[str] = []
    uploading: bool = False

    spot: dict[str, str] = {}
    spot_errors: dict[str, str] = {}
    spot_saving: bool = False

    def _show(self, settings: _Settings, now: dt.datetime) -> None:
        self.loaded = True
        self.rules = [rule_view(row) for row in settings.rules]
        self.rule_starts = (floor_hour(now) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        self._show_catalogue(settings.catalogue)
        self.spot = {provider: repr(factor) for provider, factor in settings.spot_factors.items()}

    def _show_catalogue(self, summary: CatalogueSummary) -> None:
        self.catalogue_rows, self.shipped_rows = summary.rows, summary.shipped_rows
        self.catalogue_uploaded_at = (
            _moment_text(summary.uploaded_at) if summary.uploaded_at else ""
        )
        self.catalogue_providers = ", ".join(
            f"{PROVIDER_NAMES.get(provider, provider)} {count:,}"
            for provider, count in summary.by_provider.items()
        )

    async def _refresh(self) -> None:
        now = utcnow()
        settings = await in_thread(_read_settings, org_id=current_context().org_id, now=now)
        async with self:
            self._show(settings, now)

    @guarded(Action.READ)
    async def load(self):
        async with self:
            self.can_edit = current_context().is_admin
        await self._refresh()

    @ui_only
    def rule_dialog_changed(self, open: bool):
        self.rule_open, self.rule_errors, self.preview_text = open, {}, ""

    @guarded(Action.READ)
    async def preview(self, selector: str):
        caller = current_context()
        try:
            found = await in_thread(
                node_prices.preview_selector, org_id=caller.org_id, selector=str(selector)
            )
        except ValidationFailed as invalid:
            async with self:
                self.rule_errors, self.preview_text = invalid.by_field(), ""
            return
        count = found.matching_nodes
        names = f": {', '.join(found.example_nodes)}" + (
            " …" if count > len(found.example_nodes) else ""
        )
        async with self:
            self.rule_errors = {}
            self.preview_text = (
                f"Matches {count} node{'s' if count != 1 else ''} now{names if count else ''}."
            )

    @guarded(Action.MANAGE_PRICES)
    async def create_rule(self, form: dict[str, str]):
        async with self:
            self.rule_saving, self.rule_errors = True, {}
        caller = current_context()
        try:
            row = await in_thread(
                node_prices.create_rule,
                org_id=caller.org_id,
                selector=str(form.get("selector", "")),
                price_per_hour=str(form.get("price_per_hour", "")),
                effective_from=str(form.get("effective_from", "")),
                created_by_user_id=caller.user_id,
            )
        except ValidationFailed as invalid:
            async with self:
                self.rule_saving, self.rule_errors = False, invalid.by_field()
            return None
        await self._refresh()
        async with self:
            self.rule_saving, self.rule_open, self.preview_text = False, False, ""
        return rx.toast.success(
            f"{row.selector} costs {format_unit_price(row.price_per_hour)} per node-hour "
            f"from {_moment_text(row.effective_from)}; it matches {row.matching_nodes} "
            f"node{'s' if row.matching_nodes != 1 else ''} now."
        )

    @ui_only
    def ask_delete(self, rule_id: int, selector: str):
        self.delete_id, self.delete_selector = int(rule_id), str(selector)[:2048]
        self.delete_open = True

    @ui_only
    def delete_dialog_changed(self, open: bool):
        if not self.deleting:
            self.delete_open = open

    @guarded(Action.MANAGE_PRICES)
    async def delete_rule(self):
        async with self:
            rule_id, selector, self.deleting = self.delete_id, self.delete_selector, True
        try:
            await in_thread(
                node_prices.delete_rule, org_id=current_context().org_id, rule_id=rule_id
            )
        except NotFound:
            await self._refresh()
            async with self:
                self.deleting, self.delete_open = False, False
            return rx.toast.error(RULE_GONE)
        await self._refresh()
        async with self:
            self.deleting, self.delete_open = False, False
        return rx.toast.success(f"Deleted the rule {selector}.")

    @ui_only
    def catalogue_dialog_changed(self, open: bool):
        if not self.uploading:
            self.catalogue_open, self.catalogue_errors = open, []

    @guarded(Action.MANAGE_PRICES)
    async def upload_catalogue(self, form: dict[str, str]):
        text = str(form.get("csv", ""))
        async with self:
            self.uploading, self.catalogue_errors = True, []
        if len(text) > MAX_UPLOAD_BYTES:  # characters ≤ bytes: refuse before encoding it
            async with self:
                self.uploading = False
                self.catalogue_errors = [f"file: must be at most {MAX_UPLOAD_BYTES:,} bytes"]
            return None
        caller = current_context()
        try:
            summary = await in_thread(
                node_prices.upload_catalogue,
                org_id=caller.org_id,
                data=text.encode(),
                uploaded_by_user_id=caller.user_id,
            )
        except CatalogueInvalid as invalid:
            async with self:
                self.uploading, self.catalogue_errors = False, invalid.lines
            return None
        async with self:
            self._show_catalogue(summary)
            self.uploading, self.catalogue_open = False, False
        return rx.toast.success(
            f"Your catalogue of {summary.rows:,} row{'s' if summary.rows != 1 else ''} now prices "
            "the nodes it lists, ahead of the shipped one."
        )

    @guarded(Action.MANAGE_PRICES)
    async def clear_catalogue(self):
        summary = await in_thread(node_prices.clear_catalogue, org_id=current_context().org_id)
        async with self:
            self._show_catalogue(summary)
        return rx.toast.success("Your catalogue is cleared; the shipped list prices apply.")

    @guarded(Action.MANAGE_PRICES)
    async def save_spot_factors(self, form: dict[str, str]):
        async with self:
            self.spot_saving, self.spot_errors = True, {}
        caller = current_context()
        factors = {provider: str(form.get(provider, "")) for provider in PROVIDER_NAMES}
        try:
            saved = await in_thread(
                node_prices.set_spot_factors,
                org_id=caller.org_id,
                factors=factors,
                updated_by_user_id=caller.user_id,
            )
        except ValidationFailed as invalid:
            async with self:
                self.spot_saving, self.spot_errors = False, invalid.by_field()
            return None
        async with self:
            self.spot_saving = False
            self.spot = {provider: repr(factor) for provider, factor in saved.items()}
        return rx.toast.success(
            "Spot factors saved. Hours already priced keep their figures until you recompute them."
        )

    @rx.var
    def has_own_catalogue(self) -> bool:
        return self.catalogue_rows > 0
