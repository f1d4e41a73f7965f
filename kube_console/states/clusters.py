"""Clusters: the cards every member sees (reloaded every 30 s), and the admin's register, edit,
delete and Sync now.

A kubeconfig is never kept in state, not even in a backend var: it stays in the form's
textarea (an uploaded file is read into it by the browser), reaches a handler as an argument
and is dropped when the handler ends. What is kept is what may be shown: the context names,
the connection report, the field errors. A tested kubeconfig is remembered only by a digest,
so that "Register" stores exactly what the admin saw tested, and tests again otherwise.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
from typing import Any

import reflex as rx
from sqlmodel import Session

from kube_console import formatting
from kube_console.clock import utcnow
from kube_console.errors import ValidationFailed
from kube_console.kube.intake import MAX_KUBECONFIG_BYTES
from kube_console.security.authz import Action, NotFound
from kube_console.security.keyring import Keyring, KeyringUnavailable, get_keyring, keyring_problem
from kube_console.services import clusters as cluster_service
from kube_console.services import explore as explore_service
from kube_console.services import sync_scheduling
from kube_console.services.cluster_records import ClusterCard, ConnectionReport, DeletionPreview
from kube_console.services.freshness import freshness, stale_hint
from kube_console.services.paging import PageRequest
from kube_console.services.sync import SyncOutcome
from kube_console.settings import get_settings
from kube_console.states.guard import current_context, guarded, in_thread, ui_only


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterTile:
    """One card of the Clusters page: the cluster, and what the page works out for people."""

    card: ClusterCard
    month_to_date_cost: str  # in the org's currency; "" before any cost has been computed
    certificate_note: str  # "expires in 9 days" or "expired 2 days ago"; "" when not soon
    certificate_expired: bool
    stale: bool  # its figures are older than two sync intervals (services/freshness.py)
    stale_hint: str
    last_attempt_failed: bool


CLUSTER_GONE = "That cluster is not in your organization any more. The list has been refreshed."
# Sync now follows its queued run this often, this many times (a sync's budget is 20 s).
SYNC_FOLLOW_SECONDS = 0.5
SYNC_FOLLOW_POLLS = 90
CERTIFICATE_WARNING = dt.timedelta(days=30)
# The most clusters whose month-to-date cost one load reads (services/paging.py's cap).
COST_ROWS = 500
STATUS_WORDS = {
    "healthy": "healthy",
    "degraded": "degraded",
    "unreachable": "unreachable",
    "auth_failed": "authentication failed",
    "error": "error",
    "pending": "pending",
}


def _certificate_note(expires_at: str, now: dt.datetime) -> tuple[str, bool]:
    """("expires in 9 d", False) within 30 days, ("expired 2 d ago", True) once past; else ("", False)."""
    if not expires_at:
        return "", False
    expires = dt.datetime.fromisoformat(expires_at)
    if expires <= now:
        return f"expired {formatting.format_relative_time(expires, now)}", True
    if expires - now <= CERTIFICATE_WARNING:
        return f"expires {formatting.format_relative_time(expires, now)}", False
    return "", False


def _cluster_tiles(
    *, session: Session, org_id: int, sync_interval_seconds: int
) -> list[ClusterTile]:
    now = utcnow()
    cards = cluster_service.list_clusters(session=session, org_id=org_id)
    costs = {
        row.id: formatting.format_money(row.month_to_date_cost, row.currency)
        for row in explore_service.list_cluster_rows(
            session=session, org_id=org_id, request=PageRequest(limit=COST_ROWS), now=now
        ).rows
        if row.month_to_date_cost
    }
    tiles = []
    for card in cards:
        note, expired = _certificate_note(card.certificate_expires_at, now)
        fresh = freshness(
            last_success_at=card.last_success_at,
            status=card.status,
            sync_interval_seconds=sync_interval_seconds,
            now=now,
        )
        tiles.append(
            ClusterTile(
                card=card,
                month_to_date_cost=costs.get(card.id, ""),
                certificate_note=note,
                certificate_expired=expired,
                stale=fresh.stale,
                stale_hint=stale_hint(fresh),
                last_attempt_failed=fresh.last_attempt_failed,
            )
        )
    return tiles


def _digest(kubeconfig: str) -> str:
    """Which kubeconfig, without keeping it."""
    return hashlib.sha256(kubeconfig.encode("utf-8", errors="surrogatepass")).hexdigest()


def _fingerprint(kubeconfig: str, context: str, acknowledge_insecure_tls: bool) -> str:
    """What a connection test was run on."""
    return f"{_digest(kubeconfig)}/{context}/{acknowledge_insecure_tls}"


def _seconds(milliseconds: float) -> str:
    return f"{milliseconds / 1000:.1f} s"


def _sync_outcome_toast(outcome: SyncOutcome) -> Any:
    if outcome.status == "deleted":
        return rx.toast.error("The cluster was deleted while it was syncing.")
    took = _seconds(outcome.duration_ms)
    if outcome.status == "healthy":
        return rx.toast.success(
            f"{outcome.cluster_name} synced in {took}: healthy, {outcome.pods:,} pods."
        )
    if outcome.status == "degraded":
        return rx.toast.warning(
            f"{outcome.cluster_name} synced in {took}, degraded: {outcome.error}"
        )
    words = STATUS_WORDS.get(outcome.status, outcome.status)
    return rx.toast.error(f"{outcome.cluster_name} could not be synced ({words}): {outcome.error}")


def _registered_toast(card: ClusterCard, outcome: SyncOutcome) -> Any:
    if outcome.ok:
        return rx.toast.success(
            f"{card.name} is registered: {STATUS_WORDS[card.status]}, {formatting.counted(card.node_count, 'node')}, "
            f"{formatting.counted(card.pod_count, 'pod')}. The console syncs it from now on."
        )
    return rx.toast.warning(
        f"{card.name} is registered, but its first sync failed: {outcome.error}"
    )


class ClustersState(rx.State):
    tiles: list[ClusterTile] = []
    loaded: bool = False
    loaded_at: str = ""
    keyring_problem: str = ""  # shown to admins: registering and syncing need the keyring
    syncing_ids: list[int] = []

    # The credential form, shared by the register and edit dialogs (one is open at a time).
    contexts: list[str] = []
    chosen_context: str = ""
    acknowledge_insecure_tls: bool = False
    form_errors: dict[str, str] = {}
    connection_error: str = ""

    register_open: bool = False
    testing: bool = False
    registering: bool = False
    report: ConnectionReport | None = None
    _tested_fingerprint: str = ""
    # The kubeconfig the last submission judged. Leaving the field and submitting the form
    # send two events at once, in either order: reading the same text's contexts then must
    # not undo the submission's errors or its test.
    _judged_kubeconfig: str = ""

    edit_open: bool = False
    editing: ClusterCard | None = None
    saving: bool = False
    _edit_cluster_id: int | None = None

    delete_open: bool = False
    deletion: DeletionPreview | None = None
    deleting: bool = False
    _delete_cluster_id: int | None = None

    @rx.var
    def kubeconfig_problems(self) -> list[list[str]]:
        """Each kubeconfig error as [where in the kubeconfig, what is wrong]."""
        return [
            [field.removeprefix("kubeconfig.") if field != "kubeconfig" else "kubeconfig", message]
            for field, message in self.form_errors.items()
            if field == "kubeconfig" or field.startswith("kubeconfig.")
        ]

    @rx.var
    def insecure_tls_in_question(self) -> bool:
        """The kubeconfig turns off TLS verification: offer the explicit acknowledgement."""
        return (
            self.acknowledge_insecure_tls
            or any(field.endswith(".insecure-skip-tls-verify") for field in self.form_errors)
            or (self.report is not None and self.report.insecure_tls)
        )

    @rx.var
    def status_summary(self) -> str:
        """ "4 clusters · 3 healthy · 1 unreachable" """
        if not self.tiles:
            return ""
        counts: dict[str, int] = {}
        for tile in self.tiles:
            counts[tile.card.status] = counts.get(tile.card.status, 0) + 1
        total = len(self.tiles)
        parts = [f"{total} cluster{'s' if total != 1 else ''}"]
        order = list(STATUS_WORDS)
        parts += [
            f"{counts[status]} {STATUS_WORDS.get(status, status)}"
            for status in sorted(
                counts, key=lambda status: order.index(status) if status in order else len(order)
            )
        ]
        return " · ".join(parts)

    def _clear_credential_form(self) -> None:
        self.contexts, self.chosen_context, self.acknowledge_insecure_tls = [], "", False
        self.form_errors, self.connection_error = {}, ""
        self.report, self._tested_fingerprint, self._judged_kubeconfig = None, "", ""

    async def _reload(self) -> None:
        caller = current_context()
        tiles = await in_thread(
            _cluster_tiles,
            org_id=caller.org_id,
            sync_interval_seconds=get_settings().sync_interval_seconds,
        )
        problem = (keyring_problem() or "") if caller.is_admin else ""
        async with self:
            self.tiles, self.loaded, self.keyring_problem = tiles, True, problem
            self.loaded_at = utcnow().isoformat()

    async def _find(self, cluster_id: int) -> ClusterCard | None:
        try:
            return await in_thread(
                cluster_service.get_cluster, org_id=current_context().org_id, cluster_id=cluster_id
            )
        except NotFound:
            return None

    async def _keyring_or_refusal(self) -> Keyring | None:
        """The keyring, or (after showing why) None: without it no credential is stored or read."""
        try:
            return get_keyring()
        except KeyringUnavailable as missing:
            async with self:
                self.keyring_problem = str(missing)
            return None

    @guarded(Action.READ)
    async def load(self):
        await self._reload()

    @guarded(Action.READ)
    async def refresh(self, visible: bool):
        """The 30 s timer; a hidden tab asks for nothing."""
        if visible:
            await self._reload()

    # Register ------------------------------------------------------------------------------

    @ui_only
    def register_dialog_changed(self, open: bool):
        if self.testing or self.registering:
            return  # the running test or registration closes or keeps the dialog itself
        self._clear_credential_form()
        self.register_open = open

    @guarded(Action.MANAGE_CLUSTERS)
    async def kubeconfig_entered(self, kubeconfig: str):
        """The admin left the kubeconfig field: offer its contexts, or say what is wrong with it."""
        await self._offer_contexts(kubeconfig)

    @guarded(Action.MANAGE_CLUSTERS)
    async def kubeconfig_file_read(self, file: dict[str, Any]):
        """The browser read a chosen file into the kubeconfig field: {"name", "size", "text"}.

        A file over the limit is not read at all (its text comes empty)."""
        size = int(file.get("size") or 0)
        if size > MAX_KUBECONFIG_BYTES:
            async with self:
                self.contexts, self.chosen_context = [], ""
                self.form_errors = {
                    "kubeconfig": f"{str(file.get('name') or 'The file')[:200]} is {size:,} bytes; the limit "
                    f"is {MAX_KUBECONFIG_BYTES:,} bytes (256 KiB). Export only the context you need: "
                    "kubectl config view --minify --flatten --raw --context NAME"
                }
            return
        await self._offer_contexts(str(file.get("text") or ""))

    async def _offer_contexts(self, kubeconfig: str) -> None:
        found: list[str] = []
        errors: dict[str, str] = {}
        current: str | None = None
        if kubeconfig.strip():
            try:
                found, current = await asyncio.to_thread(cluster_service.contexts_in, kubeconfig)
            except ValidationFailed as invalid:
                errors = invalid.by_field()
        async with self:
            self.contexts = found
            if self.chosen_context not in found:
                self.chosen_context = current or (found[0] if found else "")
            if _digest(kubeconfig) == self._judged_kubeconfig:
                return
            kept = {
                field: text
                for field, text in self.form_errors.items()
                if not field.startswith("kubeconfig")
            }
            self.form_errors = {**kept, **errors}
            self._forget_test_unless(kubeconfig)

    def _forget_test_unless(self, kubeconfig: str) -> None:
        tested = _fingerprint(kubeconfig, self.chosen_context, self.acknowledge_insecure_tls)
        if tested != self._tested_fingerprint:
            self.report, self._tested_fingerprint = None, ""

    @ui_only
    def choose_context(self, context: str):
        self.chosen_context = context
        self.report, self._tested_fingerprint = None, ""

    @ui_only
    def acknowledge_insecure_tls_changed(self, checked: bool):
        self.acknowledge_insecure_tls = checked
        self.report, self._tested_fingerprint = None, ""

    @guarded(Action.MANAGE_CLUSTERS)
    async def submit_register(self, form: dict[str, str]):
        """Test the connection; once the very same kubeconfig, context and acknowledgement
        tested fine, register the cluster."""
        kubeconfig = form.get("kubeconfig", "")
        async with self:
            if self.testing or self.registering:
                return
            self._judged_kubeconfig = _digest(kubeconfig)
            context, acknowledged = self.chosen_context, self.acknowledge_insecure_tls
            tested = self.report is not None and self._tested_fingerprint == _fingerprint(
                kubeconfig, context, acknowledged
            )
            self.testing, self.registering = not tested, tested
            self.form_errors, self.connection_error = {}, ""
        if tested:
            return await self._register(form, kubeconfig, context, acknowledged)
        await self._test(form, kubeconfig, context, acknowledged)

    async def _test(
        self, form: dict[str, str], kubeconfig: str, context: str, acknowledged: bool
    ) -> None:
        """Test connection: the checks Register makes (every wrong field at once, before any
        network call), then connect."""
        report, errors, failure = None, {}, ""
        try:
            _name, _environment, checked = await asyncio.to_thread(
                cluster_service.check_registration,
                org_id=current_context().org_id,
                name=form.get("name", ""),
                environment=form.get("environment", ""),
                kubeconfig=kubeconfig,
                context=context or None,
                acknowledge_insecure_tls=acknowledged,
                settings=get_settings(),
            )
            report = checked.report
        except ValidationFailed as invalid:
            errors = invalid.by_field()
        except cluster_service.ConnectionFailed as failed:
            failure = str(failed)
        finally:
            async with self:
                self.testing = False
                self.report, self.form_errors, self.connection_error = report, errors, failure
                self._tested_fingerprint = (
                    _fingerprint(kubeconfig, context, acknowledged) if report else ""
                )

    async def _register(
        self, form: dict[str, str], kubeconfig: str, context: str, acknowledged: bool
    ) -> Any:
        try:
            return await self._store_registration(form, kubeconfig, context, acknowledged)
        finally:
            async with self:
                self.registering = False

    async def _store_registration(
        self, form: dict[str, str], kubeconfig: str, context: str, acknowledged: bool
    ) -> Any:
        keyring = await self._keyring_or_refusal()
        if keyring is None:
            return rx.toast.error(
                "Registration refused: the console has no encryption key to store the credential with."
            )
        try:
            card, outcome = await asyncio.to_thread(
                cluster_service.register_cluster,
                org_id=current_context().org_id,
                name=form.get("name", ""),
                environment=form.get("environment", ""),
                kubeconfig=kubeconfig,
                context=context or None,
                acknowledge_insecure_tls=acknowledged,
                keyring=keyring,
                settings=get_settings(),
            )
        except ValidationFailed as invalid:
            async with self:
                self.form_errors = invalid.by_field()
                if self.kubeconfig_problems:
                    self.report, self._tested_fingerprint = None, ""
            return None
        except cluster_service.ConnectionFailed as failed:
            async with self:
                self.connection_error = str(failed)
                self.report, self._tested_fingerprint = None, ""
            return None
        except cluster_service.DuplicateCluster as duplicate:
            async with self:
                self.connection_error = str(duplicate)
            return None
        async with self:
            self.register_open = False
            self._clear_credential_form()
        await self._reload()
        return _registered_toast(card, outcome)

    # Edit ----------------------------------------------------------------------------------

    @guarded(Action.MANAGE_CLUSTERS)
    async def ask_to_edit(self, cluster_id: int):
        if (card := await self._find(cluster_id)) is None:
            await self._reload()
            return rx.toast.error(CLUSTER_GONE)
        async with self:
            self._clear_credential_form()
            self._edit_cluster_id, self.editing, self.edit_open = card.id, card, True

    @ui_only
    def edit_dialog_changed(self, open: bool):
        if self.saving:
            return
        self.edit_open = open
        if not open:
            self._clear_credential_form()
            self._edit_cluster_id, self.editing = None, None

    @guarded(Action.MANAGE_CLUSTERS)
    async def save_edit(self, form: dict[str, str]):
        """Rename, move environment, and replace the credential when a kubeconfig is given
        (validated and tested again before it is stored)."""
        kubeconfig = form.get("kubeconfig", "")
        async with self:
            if self.saving:
                return
            cluster_id, self.saving = self._edit_cluster_id, True
            self._judged_kubeconfig = _digest(kubeconfig)
            context, acknowledged = self.chosen_context, self.acknowledge_insecure_tls
            self.form_errors, self.connection_error = {}, ""
        try:
            return await self._save_edit(cluster_id, form, kubeconfig, context, acknowledged)
        finally:
            async with self:
                self.saving = False

    async def _save_edit(
        self,
        cluster_id: int | None,
        form: dict[str, str],
        kubeconfig: str,
        context: str,
        acknowledged: bool,
    ) -> Any:
        keyring = await self._keyring_or_refusal()
        if keyring is None:
            return rx.toast.error(
                "Not saved: the console has no encryption key for cluster credentials."
            )
        try:
            if cluster_id is None:
                raise NotFound("no cluster chosen")
            card = await asyncio.to_thread(
                cluster_service.update_cluster,
                org_id=current_context().org_id,
                cluster_id=cluster_id,
                name=form.get("name", ""),
                environment=form.get("environment", ""),
                kubeconfig=kubeconfig,
                context=context or None,
                acknowledge_insecure_tls=acknowledged,
                keyring=keyring,
                settings=get_settings(),
            )
        except NotFound:
            async with self:
                self.edit_open, self._edit_cluster_id, self.editing = False, None, None
                self._clear_credential_form()
            await self._reload()
            return rx.toast.error(CLUSTER_GONE)
        except ValidationFailed as invalid:
            async with self:
                self.form_errors = invalid.by_field()
            return None
        except (cluster_service.ConnectionFailed, cluster_service.DuplicateCluster) as failed:
            async with self:
                self.connection_error = str(failed)
            return None
        async with self:
            self.edit_open, self._edit_cluster_id, self.editing = False, None, None
            self._clear_credential_form()
        await self._reload()
        if kubeconfig.strip():
            return rx.toast.success(
                f"{card.name} is saved with its new credential, tested and stored encrypted."
            )
        return rx.toast.success(f"{card.name} is saved.")

    # Delete --------------------------------------------------------------------------------

    @guarded(Action.MANAGE_CLUSTERS)
    async def ask_to_delete(self, cluster_id: int):
        """Open the confirmation with what deleting removes, counted in the caller's org."""
        try:
            preview = await in_thread(
                cluster_service.deletion_preview,
                org_id=current_context().org_id,
                cluster_id=cluster_id,
            )
        except NotFound:
            await self._reload()
            return rx.toast.error(CLUSTER_GONE)
        async with self:
            self._delete_cluster_id, self.deletion, self.delete_open = (
                preview.cluster_id,
                preview,
                True,
            )

    @ui_only
    def delete_dialog_changed(self, open: bool):
        if self.deleting:
            return  # the confirmed delete closes the dialog itself when it is done
        self.delete_open = open
        if not open:
            self._delete_cluster_id, self.deletion = None, None

    @guarded(Action.MANAGE_CLUSTERS)
    async def delete_confirmed(self):
        async with self:
            cluster_id, self.deleting = self._delete_cluster_id, True
            name = self.deletion.name if self.deletion else ""
        try:
            if cluster_id is None:
                raise NotFound("no cluster chosen")
            await in_thread(
                cluster_service.delete_cluster,
                org_id=current_context().org_id,
                cluster_id=cluster_id,
            )
            message = rx.toast.success(
                f"{name} is deleted, with its credential and everything synced from it."
            )
        except NotFound:
            message = rx.toast.error(CLUSTER_GONE)
        finally:
            async with self:
                self.deleting, self.delete_open = False, False
                self._delete_cluster_id, self.deletion = None, None
        await self._reload()
        return message

    # Sync now ------------------------------------------------------------------------------

    @guarded(Action.TRIGGER_SYNC)
    async def sync_now(self, cluster_id: int):
        async with self:
            if cluster_id in self.syncing_ids:
                return
            self.syncing_ids = [*self.syncing_ids, cluster_id]
        try:
            message = await self._sync(cluster_id)
            await self._reload()
        finally:
            async with self:
                self.syncing_ids = [
                    syncing for syncing in self.syncing_ids if syncing != cluster_id
                ]
        return message

    async def _sync(self, cluster_id: int) -> Any:
        """Queue the sync and follow its run until a worker has carried it out."""
        keyring = await self._keyring_or_refusal()
        if keyring is None:
            return rx.toast.error(
                "Not synced: the console has no encryption key to read the credential with."
            )
        org_id = current_context().org_id
        try:
            run_id = await in_thread(
                sync_scheduling.request_sync, org_id=org_id, cluster_id=cluster_id, trigger="manual"
            )
            for _ in range(SYNC_FOLLOW_POLLS):
                outcome = await in_thread(
                    sync_scheduling.requested_outcome, org_id=org_id, run_id=run_id
                )
                if outcome is not None:
                    return _sync_outcome_toast(outcome)
                await asyncio.sleep(SYNC_FOLLOW_SECONDS)
        except NotFound:
            return rx.toast.error(CLUSTER_GONE)
        return rx.toast.info(
            "The sync is queued and no worker has finished it yet; the card shows it once one has. "
            "Admin → Workers shows the worker processes."
        )
