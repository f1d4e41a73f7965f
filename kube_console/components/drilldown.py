"""What every drill-down page is made of besides its data: the panels for a first load, an id
that is not there and a link the page can't follow, the freshness line, tabs that are links,
figure cards and label chips."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from kube_console.components.charts import ChartTable, plot
from kube_console.components.live import auto_refresh, updated_ago
from kube_console.components.shell import page_frame
from kube_console.states.explore_view_models import LabelPair


def _panel(icon: str, colour: str, title: str, text: Any, action: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=28, color=rx.color(colour, 11)),
                width="56px",
                height="56px",
                border_radius="50%",
                background=rx.color(colour, 3),
            ),
            rx.heading(title, size="4", as_="h2"),
            rx.text(
                text, color=rx.color("gray", 11), text_align="center", max_width="36rem", size="2"
            ),
            action,
            align="center",
            spacing="3",
        ),
        padding="4rem 1.5rem",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-4)",
        background=rx.color("gray", 2),
        width="100%",
    )


def missing_panel(what: str, back_label: str, back_href: str) -> rx.Component:
    """A bad or foreign id: the same words either way, so ids can't be probed."""
    return rx.box(
        _panel(
            "search-x",
            "gray",
            f"{what} not found",
            f"There is no {what.lower()} with this address in your organization. It may have "
            "been deleted, or the link may be wrong.",
            rx.link(rx.button(back_label, variant="soft"), href=back_href),
        ),
        role="alert",
        width="100%",
    )


def invalid_panel(problem: rx.Var[str], reset_href: str | rx.Var[str]) -> rx.Component:
    """A URL asking for a sort or filter the page can't do (hand-edited, or from an old link)."""
    return rx.box(
        _panel(
            "link-2-off",
            "amber",
            "This link asks for something the page can't show",
            rx.fragment("The address says: ", rx.code(problem), "."),
            rx.link(rx.button("Show the default view", variant="soft"), href=reset_href),
        ),
        role="alert",
        width="100%",
    )


def failed_panel(retry: Any) -> rx.Component:
    """Reading the page failed (the database is down, or a bug): say so, and offer to retry."""
    return rx.box(
        _panel(
            "server-crash",
            "red",
            "This page could not be read",
            "Something went wrong on the server; it has been logged. Try again in a moment.",
            rx.button(rx.icon("rotate-ccw", size=14), "Try again", variant="soft", on_click=retry),
        ),
        role="alert",
        width="100%",
    )


def first_load_skeleton() -> rx.Component:
    return rx.vstack(
        rx.skeleton(height="2rem", width="40%", loading=True),
        rx.grid(
            *[rx.skeleton(height="5rem", loading=True) for _ in range(4)],
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        *[rx.skeleton(height="2.25rem", width="100%", loading=True) for _ in range(6)],
        spacing="3",
        width="100%",
        aria_busy="true",
        aria_label="Loading",
    )


def freshness(updated_at: rx.Var[str], refreshing: rx.Var[bool], refresh: Any) -> rx.Component:
    """ "updated 12 s ago" with a spinner while a reload runs, and the 30-second refresh timer."""
    return rx.hstack(
        rx.spinner(loading=refreshing, size="1"),
        updated_ago(updated_at),
        auto_refresh(refresh),
        spacing="2",
        align="center",
        role="status",
    )


def detail_header(
    crumbs: rx.Component,
    title: list[rx.Component],
    *about: rx.Component,
    state: Any,
    below: rx.Component | None = None,
) -> rx.Component:
    """A detail page's top: breadcrumbs, the title row (name and badges), the lines saying what
    and where it is, the page's freshness on the right, and what the page puts `below`."""
    return rx.vstack(
        crumbs,
        rx.flex(
            rx.vstack(
                rx.hstack(*title, spacing="3", align="center", wrap="wrap"),
                *about,
                spacing="1",
            ),
            rx.spacer(),
            freshness(state.updated_at, state.refreshing, state.refresh),
            align="end",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        *([below] if below is not None else []),
        spacing="3",
        width="100%",
    )


def deleted_badge(
    deleted_at: rx.Var[str], label: str = "Deleted", otherwise: rx.Component | None = None
) -> rx.Component:
    """A red mark on an object that is gone from its cluster (its page stays for cost history);
    `otherwise` in its place while it is there."""
    badge = rx.badge(rx.icon("trash-2", size=12), label, color_scheme="red", variant="soft")
    return (
        rx.cond(deleted_at, badge, otherwise)
        if otherwise is not None
        else rx.cond(deleted_at, badge)
    )


def detail_frame(
    title: str,
    state: Any,
    *,
    loaded: rx.Var[Any],
    missing: tuple[str, str, str],
    content: list[rx.Component],
) -> rx.Component:
    """A detail page: `content` once the object is `loaded`, a skeleton until then, or the
    panel for an object not there (`missing`: what, back label, back link), a link the page
    can't follow, or a read that failed."""
    return page_frame(
        title,
        rx.match(
            state.view,
            ("missing", missing_panel(*missing)),
            ("invalid", invalid_panel(state.problem, rx.State.router.url.path)),
            ("failed", failed_panel(state.load)),
            rx.cond(
                loaded,
                rx.vstack(*content, spacing="4", width="100%"),
                first_load_skeleton(),
            ),
        ),
    )


def tab_links(
    tabs: list[tuple[str, str, str]], current: rx.Var[str], hrefs: ObjectVar[dict[str, str]]
) -> rx.Component:
    """Tabs that are links (`?tab=...`): each can be bookmarked, and the back button returns."""

    def tab(key: str, label: str, icon: str) -> rx.Component:
        selected = current == key
        return rx.link(
            rx.hstack(rx.icon(icon, size=15), label, spacing="2", align="center"),
            href=hrefs[key],
            underline="none",
            size="2",
            weight="medium",
            padding="0.6rem 0.85rem",
            color=rx.cond(selected, rx.color("gray", 12), rx.color("gray", 11)),
            border_bottom=rx.cond(
                selected, f"2px solid {rx.color('accent', 9)}", "2px solid transparent"
            ),
            aria_current=rx.cond(selected, "page", "false"),
            _hover={"color": rx.color("gray", 12), "background": rx.color("gray", 3)},
            white_space="nowrap",
        )

    return rx.el.nav(
        rx.hstack(*[tab(*item) for item in tabs], spacing="0", overflow_x="auto"),
        aria_label="Sections",
        style={"border_bottom": f"1px solid {rx.color('gray', 5)}", "width": "100%"},
    )


def figure_card(
    label: str,
    value: Any,
    hint: Any = None,
    icon: str | None = None,
    marker: rx.Component | None = None,
) -> rx.Component:
    """One headline figure: what it is, the figure, and what it rests on; `marker` goes beside
    its label (a stale mark)."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=14, color=rx.color("gray", 11)) if icon else rx.fragment(),
                rx.text(label, size="1", weight="medium", color=rx.color("gray", 11)),
                marker if marker is not None else rx.fragment(),
                spacing="1",
                align="center",
            ),
            rx.text(value, as_="div", size="5", weight="bold", trim="both"),  # a figure, not a <p>
            rx.text(hint, size="1", color=rx.color("gray", 11))
            if hint is not None
            else rx.fragment(),
            spacing="2",
        ),
        size="2",
        width="100%",
    )


def section(
    title: str, *children: rx.Component, actions: rx.Component | None = None
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(title, size="3", as_="h2"),
                rx.spacer(),
                actions or rx.fragment(),
                align="center",
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def label_chips(labels: ArrayVar[list[LabelPair]], empty: str = "No labels") -> rx.Component:
    return rx.cond(
        labels.length() > 0,
        rx.flex(
            rx.foreach(
                labels,
                lambda pair: rx.code(
                    pair.key, "=", pair.value, variant="soft", size="1", color_scheme="gray"
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.text(empty, size="2", color=rx.color("gray", 11)),
    )


def choice_links(
    choices: list[tuple[str, str]],
    current: rx.Var[str],
    hrefs: ObjectVar[dict[str, str]],
    label: str,
) -> rx.Component:
    """A small segmented switch made of links (24 h / 7 days, hour / day / month)."""
    return rx.hstack(
        *[
            rx.link(
                text,
                href=hrefs[key],
                size="1",
                weight="medium",
                underline="none",
                padding="0.25rem 0.6rem",
                border_radius="var(--radius-2)",
                color=rx.cond(current == key, rx.color("gray", 12), rx.color("gray", 11)),
                background=rx.cond(current == key, rx.color("gray", 1), "transparent"),
                box_shadow=rx.cond(current == key, "var(--shadow-1)", "none"),
                aria_current=rx.cond(current == key, "true", "false"),
            )
            for key, text in choices
        ],
        spacing="1",
        padding="0.2rem",
        background=rx.color("gray", 3),
        border_radius="var(--radius-3)",
        role="group",
        aria_label=label,
    )


def usage_over_time(title: str, state: Any, *, lines: str, height: str) -> rx.Component:
    """CPU and memory charts side by side over a 24-hour or 7-day window, from a state with
    `has_samples`, `cpu_chart`, `memory_chart` (and their `_table`s), `window` and `window_hrefs`; `lines` says what
    the charts draw ("requested and used") for their accessible labels."""

    def chart(resource: str, figure: rx.Var, table: ObjectVar[ChartTable]) -> rx.Component:
        return rx.vstack(
            rx.text(resource, size="2", weight="medium"),
            plot(figure, label=f"{resource} {lines} over time", height=height, table=table),
            width="100%",
        )

    return section(
        title,
        rx.cond(
            state.has_samples,
            rx.grid(
                chart("CPU", state.cpu_chart, state.cpu_chart_table),
                chart("Memory", state.memory_chart, state.memory_chart_table),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="5",
                width="100%",
            ),
            rx.text(
                "No usage samples in this window yet. Each sync adds one.",
                size="2",
                color=rx.color("gray", 11),
            ),
        ),
        actions=choice_links(
            [("24h", "24 hours"), ("7d", "7 days")], state.window, state.window_hrefs, "Time window"
        ),
    )


def scroll_region(label: str, *children: rx.Component, max_height: str) -> rx.Component:
    """A list that scrolls within a fixed height, reachable with the keyboard (a scroll area of
    text alone has nothing to Tab to, so the region itself takes focus) and named for screen
    readers."""
    return rx.box(
        *children,
        role="region",
        aria_label=label,
        tab_index=0,
        max_height=max_height,
        overflow_y="auto",
        width="100%",
        border_radius="var(--radius-2)",
    )
