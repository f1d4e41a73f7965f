"""The card of one cluster on the Clusters page: health, provider, version, counts, last sync,
what is wrong (how old its data is when the last sync failed, whether it is registered twice),
and (for admins) Sync now, Edit and Delete."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console import routes
from kube_console.components.badges import cluster_status_badge, environment_badge, warning_badge
from kube_console.components.figures import duration
from kube_console.components.live import exact_age, stale_marker
from kube_console.components.provider_badge import provider_logo
from kube_console.states.clusters import ClustersState, ClusterTile
from kube_console.states.session import SessionState

CARD_MIN_WIDTH = "400px"  # two cards side by side at 1280 px, one per row on a tablet
INSECURE_TLS_HINT = (
    "The server's certificate is not verified: an admin acknowledged insecure-skip-tls-verify "
    "when registering. Give the cluster's CA instead to remove this."
)
TWO_LINES = {
    "display": "-webkit-box",
    "WebkitLineClamp": "2",
    "WebkitBoxOrient": "vertical",
    "overflow": "hidden",
}
NO_METRICS_HINT = (
    "No metrics API (metrics-server) answered: usage and right-sizing hints need one. "
    "Inventory and request-based costs still work."
)
DUPLICATE_HINT = (
    " (the same kube-system namespace, or the same API server and CA): its costs are counted "
    "once per registration. Delete all but one."
)


def _stat(
    label: str,
    value: rx.Var | str,
    detail: rx.Var | str | None = None,
    tile: ObjectVar[ClusterTile] | None = None,
) -> rx.Component:
    """A figure of the card; marked stale when the tile's data is older than two sync intervals."""
    return rx.vstack(
        rx.hstack(
            rx.text(label, size="1", color=rx.color("gray", 11), weight="medium"),
            stale_marker(tile.stale, tile.stale_hint) if tile is not None else rx.fragment(),
            spacing="1",
            align="center",
        ),
        rx.text(
            value,
            as_="div",  # a figure, not a paragraph (nor a heading, as a big bold <p> reads)
            size="4",
            weight="bold",
            class_name="numeric",
            text_align="left",
            white_space="nowrap",
        ),
        rx.text(detail, size="1", color=rx.color("gray", 11), white_space="nowrap")
        if detail is not None
        else rx.fragment(),
        spacing="0",
        min_width="0",
    )


def _header(tile: ObjectVar[ClusterTile]) -> rx.Component:
    card = tile.card
    return rx.hstack(
        provider_logo(card.provider),
        rx.vstack(
            rx.hstack(
                rx.link(
                    card.name,
                    href=routes.cluster(card.id),
                    size="4",
                    weight="bold",
                    color=rx.color("gray", 12),
                    underline="hover",
                    overflow="hidden",
                    text_overflow="ellipsis",
                    white_space="nowrap",
                ),
                environment_badge(card.environment),
                align="center",
                spacing="2",
                min_width="0",
            ),
            rx.text(
                card.provider_name,
                " · ",
                rx.cond(card.version, card.version, "version not known yet"),
                size="1",
                color=rx.color("gray", 11),
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        cluster_status_badge(card.status),
        align="start",
        spacing="3",
        width="100%",
    )


def _counts(tile: ObjectVar[ClusterTile]) -> rx.Component:
    card = tile.card
    synced = card.last_success_at != ""
    return rx.grid(
        _stat(
            "Nodes",
            rx.cond(synced, card.node_count.to_string(), "—"),
            rx.cond(synced, card.ready_node_count.to_string() + " ready", ""),
            tile,
        ),
        _stat(
            "Pods",
            rx.cond(synced, card.pod_count.to_string(), "—"),
            rx.cond(synced, card.running_pod_count.to_string() + " running", ""),
            tile,
        ),
        _stat("Namespaces", rx.cond(synced, card.namespace_count.to_string(), "—"), tile=tile),
        _stat("This month", rx.cond(tile.month_to_date_cost, tile.month_to_date_cost, "—")),
        columns="4",
        spacing="3",
        width="100%",
        padding="0.75rem",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
    )


def _cautions(tile: ObjectVar[ClusterTile]) -> rx.Component:
    card = tile.card
    warnings = card.permission_warnings
    return rx.flex(
        rx.cond(
            card.insecure_tls,
            warning_badge("shield-alert", "Insecure TLS", colour="red", hint=INSECURE_TLS_HINT),
        ),
        rx.cond(
            (~card.metrics_available) & (card.last_success_at != ""),
            warning_badge("gauge", "No metrics source", colour="gray", hint=NO_METRICS_HINT),
        ),
        rx.cond(
            tile.certificate_note,
            warning_badge(
                "clock",
                "Certificate " + tile.certificate_note,
                colour=rx.cond(tile.certificate_expired, "red", "amber"),
                hint="The client certificate in the stored credential: replace it with Edit before it runs out.",
            ),
        ),
        rx.cond(
            warnings.length() > 0,
            warning_badge(
                "key-round",
                rx.cond(
                    warnings.length() == 1,
                    "1 permission warning",
                    warnings.length().to_string() + " permission warnings",
                ),
                hint=warnings.join(" · "),
            ),
        ),
        rx.cond(
            card.duplicate_of,
            warning_badge(
                "copy",
                "Registered twice",
                colour="red",
                hint="The same cluster as " + card.duplicate_of + DUPLICATE_HINT,
            ),
        ),
        rx.cond(
            card.backoff_until,
            warning_badge(
                "hourglass",
                "Retrying later",
                colour="gray",
                hint="The cluster refused the credential; the console waits before it tries again.",
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def _problem(tile: ObjectVar[ClusterTile]) -> rx.Component:
    card = tile.card
    return rx.cond(
        card.last_error,
        rx.hstack(
            rx.icon("circle-alert", size=14, min_width="14px", margin_top="2px"),
            rx.text(card.last_error, size="1", title=card.last_error, style=TWO_LINES),
            spacing="2",
            align="start",
            color=rx.cond(card.status == "degraded", rx.color("amber", 11), rx.color("red", 11)),
            width="100%",
        ),
    )


def stale_note(last_success_at: rx.Var[str], *, size: str = "1", why: str = "") -> rx.Component:
    """ "Data from 3 May, 14:05 (stale)": how old the data shown is, once a sync failed."""
    return rx.hstack(
        rx.icon("history", size=12 if size == "1" else 14),
        rx.text("Data from", size=size),
        rx.moment(
            last_success_at,
            format="D MMM YYYY, HH:mm",
            with_title=True,
            title_format="YYYY-MM-DD HH:mm:ss Z",
            font_size=f"var(--font-size-{size})",
        ),
        rx.text(f"(stale{why})", size=size, weight="medium"),
        spacing="1",
        align="center",
        color=rx.color("amber", 11),
        white_space="nowrap",
    )


def _last_sync(tile: ObjectVar[ClusterTile]) -> rx.Component:
    """When the data shown was read (the last successful sync) and, apart, the last attempt."""
    card = tile.card
    failed = tile.last_attempt_failed
    return rx.cond(
        card.last_sync_at,
        rx.vstack(
            rx.hstack(
                rx.icon("refresh-cw", size=12),
                rx.text("Last successful sync", size="1"),
                rx.cond(
                    card.last_success_at,
                    rx.hstack(
                        exact_age(card.last_success_at, font_size="var(--font-size-1)"),
                        rx.text("ago", size="1"),
                        spacing="1",
                        class_name="last-success-age",
                    ),
                    rx.text("never", size="1"),
                ),
                spacing="1",
                align="center",
                white_space="nowrap",
            ),
            rx.hstack(
                rx.text("Last attempt", size="1"),
                exact_age(card.last_sync_at, font_size="var(--font-size-1)"),
                rx.text(
                    rx.cond(failed, "ago, failed", "ago"),
                    " · took ",
                    duration(card.last_sync_duration_ms),
                    size="1",
                ),
                spacing="1",
                align="center",
                white_space="nowrap",
                class_name="last-attempt-age",
            ),
            spacing="0",
            color=rx.color("gray", 11),
        ),
        rx.hstack(
            rx.icon("clock", size=12),
            rx.text("Not synced yet", size="1"),
            spacing="1",
            align="center",
            color=rx.color("gray", 11),
        ),
    )


def _admin_actions(tile: ObjectVar[ClusterTile]) -> rx.Component:
    card = tile.card
    syncing = ClustersState.syncing_ids.contains(card.id)
    return rx.hstack(
        rx.button(
            rx.spinner(rx.icon("refresh-cw", size=14), loading=syncing, size="1"),
            rx.cond(syncing, "Syncing…", "Sync now"),
            # Which cluster, for screen readers; the name starts with the words shown.
            rx.el.span(" (" + card.name + ")", class_name="sr-only"),
            size="1",
            variant="soft",
            disabled=syncing,
            on_click=ClustersState.sync_now(card.id),
        ),
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    rx.icon("ellipsis", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Actions for " + card.name,
                )
            ),
            rx.menu.content(
                rx.menu.item(
                    rx.icon("pencil", size=14),
                    "Edit…",
                    on_select=ClustersState.ask_to_edit(card.id),
                ),
                rx.menu.separator(),
                rx.menu.item(
                    rx.icon("trash-2", size=14),
                    "Delete…",
                    color="red",
                    on_select=ClustersState.ask_to_delete(card.id),
                ),
            ),
        ),
        spacing="2",
        align="center",
    )


def cluster_card(tile: ObjectVar[ClusterTile]) -> rx.Component:
    return rx.card(
        rx.vstack(
            _header(tile),
            _counts(tile),
            _cautions(tile),
            _problem(tile),
            rx.cond(tile.card.data_stale, stale_note(tile.card.last_success_at)),
            rx.spacer(),
            rx.separator(size="4"),
            rx.hstack(
                _last_sync(tile),
                rx.spacer(),
                rx.cond(SessionState.show_admin_nav, _admin_actions(tile)),
                align="center",
                width="100%",
                min_height="28px",
            ),
            spacing="3",
            height="100%",
        ),
        role="article",
        aria_label=tile.card.name,
        size="2",
    )


def cluster_grid(tiles: rx.Var[list[ClusterTile]]) -> rx.Component:
    return rx.box(
        rx.foreach(tiles, cluster_card),
        display="grid",
        grid_template_columns=f"repeat(auto-fill, minmax(min({CARD_MIN_WIDTH}, 100%), 1fr))",
        gap="1rem",
        width="100%",
    )
