"""The Node prices section of Admin → Settings: rules with the nodes they match, the price
catalogue upload with its row errors, and the spot factors. Admins change; members read."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console.components.dialogs import confirm_dialog, dialog_buttons, form_dialog
from kube_console.components.forms import field
from kube_console.components.tables import data_table
from kube_console.costs.catalogue import COLUMNS
from kube_console.states.node_prices import PROVIDER_NAMES, NodePriceRuleView, NodePricesState

CATALOGUE_FILE_INPUT = "node-price-catalogue-file"
CATALOGUE_TEXT = "node-price-catalogue-text"
# Reads the chosen file into the form's text area in the browser; the form then sends the text.
READ_CATALOGUE_FILE = f"""
const input = document.getElementById("{CATALOGUE_FILE_INPUT}");
const area = document.getElementById("{CATALOGUE_TEXT}");
if (input && area && input.files && input.files[0]) {{
  input.files[0].text().then((text) => {{ area.value = text; }});
}}
"""
STATUS_COLORS = {"in force": "green", "scheduled": "blue"}


def _hint(*children) -> rx.Component:
    return rx.text(*children, size="1", color=rx.color("gray", 11))


def _rule_row(rule: ObjectVar[NodePriceRuleView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.code(rule.selector, variant="ghost"), max_width="28rem"),
        rx.table.cell(rule.price, text_align="right", class_name="numeric", white_space="nowrap"),
        rx.table.cell(rule.effective_from, white_space="nowrap"),
        rx.table.cell(
            rx.badge(
                rule.status,
                color_scheme=rx.match(rule.status, *STATUS_COLORS.items(), "gray"),
                variant="soft",
            )
        ),
        rx.table.cell(
            rx.tooltip(
                rx.text(
                    rule.priced_nodes,
                    " of ",
                    rule.matching_nodes,
                    class_name="numeric",
                    tab_index=0,
                ),
                content=rx.cond(rule.examples, rule.examples, "No synced node matches it now."),
            ),
            text_align="right",
        ),
        rx.cond(
            NodePricesState.can_edit,
            rx.table.cell(
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    aria_label="Delete rule " + rule.selector,
                    on_click=NodePricesState.ask_delete(rule.id, rule.selector),
                )
            ),
        ),
        align="center",
    )


def _rules() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading("Node price rules", size="3", as_="h3"),
                    _hint(
                        "A rule prices every node whose labels hold all its terms, per node-hour, ahead of "
                        "the catalogue. With several, the one with the most terms wins, then the newest."
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.cond(
                    NodePricesState.can_edit,
                    rx.button(
                        rx.icon("plus", size=16),
                        "New rule",
                        on_click=NodePricesState.rule_dialog_changed(True),
                    ),
                ),
                width="100%",
                align="start",
                wrap="wrap",
            ),
            rx.cond(
                NodePricesState.rules.length() > 0,
                data_table(
                    [
                        "Selector",
                        ("Per node-hour", "right"),
                        "Effective from",
                        "Status",
                        ("Prices / matches now", "right"),
                        rx.cond(NodePricesState.can_edit, rx.table.column_header_cell("")),
                    ],
                    rx.foreach(NodePricesState.rules, _rule_row),
                    "Node price rules",
                    actions=False,
                    size="1",
                    variant="ghost",
                ),
                rx.text(
                    "No rules: nodes are priced from the catalogue, else at the sheet's unit prices.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _catalogue() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading("Price catalogue", size="3", as_="h3"),
                    _hint(
                        "Public on-demand list prices of ",
                        NodePricesState.shipped_rows,
                        " AWS, Google Cloud and Azure instance types ship with the console. "
                        "Rows of your own (same CSV columns) win over them.",
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.cond(
                    NodePricesState.can_edit,
                    rx.hstack(
                        rx.cond(
                            NodePricesState.has_own_catalogue,
                            rx.button(
                                "Clear",
                                variant="soft",
                                color_scheme="gray",
                                on_click=NodePricesState.clear_catalogue,
                            ),
                        ),
                        rx.button(
                            rx.icon("upload", size=16),
                            "Upload CSV",
                            variant="soft",
                            on_click=NodePricesState.catalogue_dialog_changed(True),
                        ),
                        spacing="2",
                    ),
                ),
                width="100%",
                align="start",
                wrap="wrap",
            ),
            rx.cond(
                NodePricesState.has_own_catalogue,
                rx.text(
                    "Your catalogue: ",
                    rx.text(NodePricesState.catalogue_rows, " rows", weight="bold", as_="span"),
                    " (",
                    NodePricesState.catalogue_providers,
                    "), uploaded ",
                    NodePricesState.catalogue_uploaded_at,
                    ".",
                    size="2",
                ),
                rx.text(
                    "No catalogue of your own: the shipped list prices apply.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _spot_factors() -> rx.Component:
    errors = NodePricesState.spot_errors
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Spot factors", size="3", as_="h3"),
                _hint(
                    "A spot or preemptible node from the catalogue costs its on-demand price × the factor "
                    "of its provider. Rules are final: no factor applies to them."
                ),
                rx.grid(
                    *[
                        field(
                            name,
                            rx.input(
                                name=provider,
                                default_value=NodePricesState.spot.get(provider, "0.35"),
                                input_mode="decimal",
                                read_only=~NodePricesState.can_edit,
                                required=True,
                            ),
                            errors.get(provider, ""),
                            hint="from 0 to 1",
                        )
                        for provider, name in PROVIDER_NAMES.items()
                    ],
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    NodePricesState.can_edit,
                    rx.button(
                        rx.spinner(loading=NodePricesState.spot_saving, size="2"),
                        "Save spot factors",
                        type="submit",
                        variant="soft",
                        disabled=NodePricesState.spot_saving,
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=NodePricesState.save_spot_factors,
            reset_on_submit=False,
        ),
        size="2",
        width="100%",
    )


def _rule_dialog() -> rx.Component:
    errors = NodePricesState.rule_errors
    return form_dialog(
        open=NodePricesState.rule_open,
        on_open_change=NodePricesState.rule_dialog_changed,
        title="New node price rule",
        description="Every node whose labels hold all the terms costs this much per node-hour, "
        "from the hour its effective time starts. Hours already priced keep their figures.",
        body=rx.form(
            rx.vstack(
                field(
                    "Label selector",
                    rx.input(
                        name="selector",
                        id="node-price-rule-selector",
                        placeholder="node.kubernetes.io/instance-type=m6i.large,karpenter.sh/capacity-type=spot",
                        required=True,
                    ),
                    errors.get("selector", ""),
                    hint="key=value terms, separated by commas",
                ),
                rx.hstack(
                    rx.button(
                        "Preview matching nodes",
                        type="button",
                        size="1",
                        variant="soft",
                        on_click=NodePricesState.preview(
                            rx.Var("document.getElementById('node-price-rule-selector').value")
                        ),
                    ),
                    rx.text(
                        NodePricesState.preview_text,
                        size="1",
                        color=rx.color("gray", 11),
                        role="status",
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.grid(
                    field(
                        "Price per node-hour",
                        rx.input(
                            name="price_per_hour",
                            input_mode="decimal",
                            required=True,
                            placeholder="0.096",
                        ),
                        errors.get("price_per_hour", ""),
                        hint="in the sheet's currency",
                    ),
                    field(
                        "Effective from (UTC)",
                        rx.input(
                            name="effective_from",
                            type="datetime-local",
                            default_value=NodePricesState.rule_starts,
                            required=True,
                        ),
                        errors.get("effective_from", ""),
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                dialog_buttons("Add rule", NodePricesState.rule_saving),
                spacing="3",
            ),
            on_submit=NodePricesState.create_rule,
            reset_on_submit=False,
        ),
    )


def _catalogue_errors() -> rx.Component:
    return rx.cond(
        NodePricesState.catalogue_errors.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert", size=16)),
            rx.vstack(
                rx.text(
                    "Nothing was stored. Fix these rows and upload again:",
                    size="2",
                    weight="medium",
                ),
                rx.el.ul(
                    rx.foreach(
                        NodePricesState.catalogue_errors,
                        lambda line: rx.el.li(rx.text(line, size="1")),
                    ),
                    style={
                        "margin": "0",
                        "padding_left": "1rem",
                        "max_height": "12rem",
                        "overflow_y": "auto",
                    },
                ),
                spacing="1",
            ),
            color_scheme="red",
            size="1",
            role="alert",
            width="100%",
        ),
    )


def _catalogue_dialog() -> rx.Component:
    upload_form = rx.form(
        rx.vstack(
            rx.text_area(
                name="csv",
                id=CATALOGUE_TEXT,
                placeholder=",".join(COLUMNS),
                rows="8",
                width="100%",
                required=True,
                aria_label="Catalogue CSV",
            ),
            _catalogue_errors(),
            dialog_buttons("Upload", NodePricesState.uploading),
            spacing="3",
            width="100%",
        ),
        on_submit=NodePricesState.upload_catalogue,
        reset_on_submit=False,
        width="100%",
    )
    return form_dialog(
        open=NodePricesState.catalogue_open,
        on_open_change=NodePricesState.catalogue_dialog_changed,
        title="Upload a price catalogue",
        description=f"Columns: {', '.join(COLUMNS)}. It replaces your previous catalogue; "
        "a file with any bad row changes nothing.",
        body=rx.vstack(
            # Outside the form: only the text it fills in is sent, never the file control.
            rx.el.input(
                type="file",
                id=CATALOGUE_FILE_INPUT,
                accept=".csv,text/csv",
                aria_label="Catalogue CSV file",
                on_change=rx.call_script(READ_CATALOGUE_FILE),
            ),
            upload_form,
            spacing="3",
            width="100%",
        ),
    )


def _delete_dialog() -> rx.Component:
    return confirm_dialog(
        open=NodePricesState.delete_open,
        on_open_change=NodePricesState.delete_dialog_changed,
        title="Delete this rule?",
        description=rx.text(
            "Nodes matching ",
            rx.code(NodePricesState.delete_selector),
            " are priced by the next rule, the catalogue or the unit prices in hours computed from now on. "
            "Hours already priced keep their figures until you recompute them.",
        ),
        confirm_label="Delete rule",
        on_confirm=NodePricesState.delete_rule,
        working=NodePricesState.deleting,
    )


def node_prices_section() -> rx.Component:
    return rx.cond(
        NodePricesState.loaded,
        rx.vstack(
            rx.vstack(
                rx.heading("Node prices", size="4", as_="h2"),
                rx.text(
                    "What a node-hour really costs: a rule of yours, else the catalogue's list price "
                    "(spot × the factor), else the sheet's unit prices.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
                spacing="1",
            ),
            _rules(),
            rx.grid(
                _catalogue(),
                _spot_factors(),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            _rule_dialog(),
            _catalogue_dialog(),
            _delete_dialog(),
            spacing="4",
            width="100%",
            id="node-prices",
        ),
    )
