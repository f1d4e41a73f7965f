"""The global search box of the top bar: a combobox (ARIA 1.2) whose options are links to the
object's page. Arrow keys walk the options, Enter opens one, Escape closes the list.

The list swallows mouse-downs, so clicking an option does not blur the box first and close the
list under the pointer.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console.states.explore_view_models import SearchOption
from kube_console.states.search import MIN_QUERY_LENGTH, SearchState

LISTBOX_ID = "global-search-options"
_KIND_ICONS = {
    "Cluster": "server",
    "Namespace": "folder-tree",
    "Pod": "box",
    "Helm release": "package",
}


def _option_id(index: rx.Var[int]) -> rx.Var[str]:
    return "global-search-option-" + index.to_string()


def _option(option: ObjectVar[SearchOption], index: rx.Var[int]) -> rx.Component:
    active = SearchState.active == index
    return rx.link(
        rx.hstack(
            rx.center(
                rx.match(
                    option.kind,
                    *[(kind, rx.icon(icon, size=14)) for kind, icon in _KIND_ICONS.items()],
                    rx.icon("boxes", size=14),
                ),
                width="1.75rem",
                height="1.75rem",
                border_radius="var(--radius-2)",
                background=rx.color("gray", 3),
                color=rx.color("gray", 11),
                flex_shrink="0",
            ),
            rx.vstack(
                rx.text(
                    option.name, size="2", weight="medium", overflow_wrap="anywhere", trim="both"
                ),
                rx.text(
                    option.kind,
                    rx.cond(option.context, " · " + option.context, ""),
                    rx.cond(option.detail, " · " + option.detail, ""),
                    size="1",
                    color=rx.color("gray", 11),
                    trim="both",
                ),
                spacing="1",
                min_width="0",
            ),
            spacing="2",
            align="center",
        ),
        href=option.href,
        on_click=SearchState.chosen,
        id=_option_id(index),
        role="option",
        aria_selected=rx.cond(active, "true", "false"),
        underline="none",
        color=rx.color("gray", 12),
        display="block",
        padding="0.45rem 0.6rem",
        border_radius="var(--radius-2)",
        background=rx.cond(active, rx.color("accent", 4), "transparent"),
        _hover={"background": rx.color("gray", 4)},
    )


def _options_list() -> rx.Component:
    answered = SearchState.answered
    return rx.box(
        rx.cond(
            SearchState.options.length() > 0,
            rx.foreach(SearchState.options, _option),
            rx.text(
                rx.cond(
                    SearchState.searching & ~answered,
                    "Searching…",
                    "No matches for “" + answered + "”",
                ),
                size="2",
                color=rx.color("gray", 11),
                padding="0.6rem",
            ),
        ),
        id=LISTBOX_ID,
        role="listbox",
        aria_label="Search results",
        on_mouse_down=rx.prevent_default,
        position="absolute",
        top="calc(100% + 4px)",
        left="0",
        width="min(28rem, 90vw)",
        max_height="min(26rem, 70vh)",
        overflow_y="auto",
        padding="0.35rem",
        background=rx.color("gray", 1),
        border=f"1px solid {rx.color('gray', 6)}",
        border_radius="var(--radius-3)",
        box_shadow="var(--shadow-5)",
        z_index="30",
    )


def global_search() -> rx.Component:
    return rx.box(
        rx.input(
            rx.input.slot(rx.icon("search", size=15)),
            rx.input.slot(rx.spinner(loading=SearchState.searching, size="1"), side="right"),
            value=SearchState.text,
            on_change=SearchState.typed,
            debounce_timeout=200,
            on_key_down=SearchState.key_pressed,
            on_focus=SearchState.focused,
            on_blur=SearchState.blurred,
            placeholder="Search by name…",
            type="search",
            auto_complete="off",
            spell_check=False,
            role="combobox",
            aria_label="Search",
            aria_autocomplete="list",
            aria_expanded=rx.cond(SearchState.open, "true", "false"),
            aria_controls=LISTBOX_ID,
            aria_activedescendant=rx.cond(
                SearchState.active >= 0, _option_id(SearchState.active), ""
            ),
            title=f"Type at least {MIN_QUERY_LENGTH} characters of a name",
            width="100%",
        ),
        rx.cond(SearchState.open, _options_list()),
        position="relative",
        width=rx.breakpoints(initial="11rem", sm="16rem", md="22rem"),
        flex_shrink="1",
        min_width="0",
    )
