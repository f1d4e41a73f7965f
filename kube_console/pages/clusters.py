"""Clusters: a card per cluster, refreshed every 30 s; admins register, edit, delete and sync."""

from __future__ import annotations

import reflex as rx

from kube_console.cluster_terms import ENVIRONMENTS
from kube_console.components.cluster_card import cluster_grid
from kube_console.components.dialogs import confirm_dialog
from kube_console.components.figures import counted
from kube_console.components.forms import field
from kube_console.components.live import auto_refresh, updated_ago
from kube_console.components.provider_badge import provider_logo
from kube_console.components.shell import empty_state, page_frame, page_header
from kube_console.kube.intake import MAX_KUBECONFIG_BYTES
from kube_console.states.clusters import ClustersState
from kube_console.states.session import SessionState

REGISTER_KUBECONFIG_ID = "register-kubeconfig"
EDIT_KUBECONFIG_ID = "edit-kubeconfig"
KUBECONFIG_FILE_TYPES = (
    ".yaml,.yml,.conf,.config,.kubeconfig,text/plain,application/yaml,application/x-yaml"
)
KUBECONFIG_PLACEHOLDER = "apiVersion: v1\nkind: Config\nclusters:\n  - name: prod-eu\n    cluster:\n      server: https://…"
READER_COMMANDS = """kubectl apply -f deploy/kube-console-reader.yaml

SERVER=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
CA=$(kubectl -n kube-system get secret kube-console-token -o jsonpath='{.data.ca\\.crt}')
TOKEN=$(kubectl -n kube-system get secret kube-console-token -o jsonpath='{.data.token}' | base64 -d)"""
ACCEPTED_FIELDS_HINT = (
    "Only the server, its CA, tls-server-name and a token or client certificate are read. "
    "exec plugins, auth providers, file paths and proxies are refused."
)


def _file_input_selector(textarea_id: str) -> str:
    """The hidden file input is found by a data attribute: an `id` would make Reflex submit it with the form."""
    return f'input[data-kubeconfig-file="{textarea_id}"]'


def _read_file_script(textarea_id: str) -> str:
    """Read the chosen file in the browser into the textarea (never uploaded, never saved),
    and hand the handler its name, size and text; a file over the limit is not read."""
    return f"""(async () => {{
  const input = document.querySelector('{_file_input_selector(textarea_id)}');
  const file = input && input.files && input.files[0];
  if (!file) return {{}};
  input.value = "";
  if (file.size > {MAX_KUBECONFIG_BYTES}) return {{ name: file.name, size: file.size, text: "" }};
  const text = await file.text();
  document.getElementById("{textarea_id}").value = text;
  return {{ name: file.name, size: file.size, text }};
}})()"""


def _kubeconfig_problems() -> rx.Component:
    return rx.cond(
        ClustersState.kubeconfig_problems.length() > 0,
        rx.el.ul(
            rx.foreach(
                ClustersState.kubeconfig_problems,
                lambda problem: rx.el.li(
                    rx.code(
                        problem[0], size="1", variant="ghost", color_scheme="red", weight="bold"
                    ),
                    " ",
                    problem[1],
                ),
            ),
            role="alert",
            aria_label="Problems in the kubeconfig",
            style={
                "margin": "0",
                "padding_left": "1.1rem",
                "color": rx.color("red", 11),
                "font_size": "var(--font-size-1)",
                "display": "flex",
                "flex_direction": "column",
                "gap": "0.25rem",
            },
        ),
    )


def _kubeconfig_field(textarea_id: str, *, label: str, hint: str, required: bool) -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.text(label, size="2", weight="medium"),
            rx.text_area(
                name="kubeconfig",
                id=textarea_id,
                required=required,
                rows="9",
                placeholder=KUBECONFIG_PLACEHOLDER,
                spell_check=False,
                auto_complete=False,
                on_blur=ClustersState.kubeconfig_entered,
                style={"font_family": "var(--code-font-family)", "font_size": "12px"},
            ),
            style={
                "display": "flex",
                "flex_direction": "column",
                "gap": "0.25rem",
                "width": "100%",
            },
        ),
        rx.hstack(
            rx.button(
                rx.icon("file-up", size=14),
                "Upload a file…",
                type="button",
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=rx.call_script(
                    f"document.querySelector('{_file_input_selector(textarea_id)}').click()"
                ),
            ),
            rx.el.input(
                type="file",
                custom_attrs={"data-kubeconfig-file": textarea_id},
                accept=KUBECONFIG_FILE_TYPES,
                tab_index=-1,
                aria_hidden="true",
                on_change=rx.call_script(
                    _read_file_script(textarea_id), callback=ClustersState.kubeconfig_file_read
                ),
                style={"display": "none"},
            ),
            rx.text(hint, size="1", color=rx.color("gray", 11)),
            spacing="3",
            align="center",
        ),
        _kubeconfig_problems(),
        spacing="2",
        width="100%",
    )


def _context_field() -> rx.Component:
    return field(
        "Context",
        rx.select.root(
            rx.select.trigger(placeholder="Its current context", width="100%"),
            rx.select.content(
                rx.foreach(
                    ClustersState.contexts, lambda context: rx.select.item(context, value=context)
                )
            ),
            value=ClustersState.chosen_context,
            on_change=ClustersState.choose_context,
            disabled=ClustersState.contexts.length() == 0,
        ),
        hint="Read from the kubeconfig when you leave its field; its current context comes first.",
    )


def _insecure_tls_acknowledgement() -> rx.Component:
    return rx.cond(
        ClustersState.insecure_tls_in_question,
        rx.callout.root(
            rx.callout.icon(rx.icon("shield-alert")),
            rx.vstack(
                rx.callout.text(
                    "This kubeconfig turns off TLS verification (insecure-skip-tls-verify): anyone on "
                    "the network path could impersonate the cluster. Prefer certificate-authority-data."
                ),
                rx.checkbox(
                    "I understand; register it anyway, marked with an Insecure TLS warning",
                    checked=ClustersState.acknowledge_insecure_tls,
                    on_change=ClustersState.acknowledge_insecure_tls_changed,
                    size="2",
                ),
                spacing="2",
            ),
            color_scheme="amber",
            size="1",
        ),
    )


def _problem(message: rx.Var[str], icon: str, lead: str) -> rx.Component:
    """A red alert, shown while `message` is set: `lead` in bold, then the message."""
    return rx.cond(
        message,
        rx.callout.root(
            rx.callout.icon(rx.icon(icon)),
            rx.callout.text(rx.text(lead, weight="bold", as_="span"), message),
            color_scheme="red",
            size="1",
            role="alert",
        ),
    )


def _connection_error() -> rx.Component:
    return _problem(ClustersState.connection_error, "unplug", "Could not connect. ")


def _keyring_problem() -> rx.Component:
    return _problem(
        ClustersState.keyring_problem, "key-round", "Cluster credentials can't be stored or read. "
    )


def _working(flag: rx.Var[bool], text: str) -> rx.Component:
    return rx.cond(
        flag,
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(text, size="2", color=rx.color("gray", 11)),
            spacing="2",
            align="center",
            role="status",
        ),
    )


def _reader_recommendation() -> rx.Component:
    return rx.el.details(
        rx.el.summary(
            rx.hstack(
                rx.icon("shield-check", size=16, color=rx.color("green", 11)),
                rx.text("Recommended: a read-only ServiceAccount", size="2", weight="medium"),
                spacing="2",
                align="center",
                display="inline-flex",
            ),
            cursor="pointer",
        ),
        rx.vstack(
            rx.text(
                "deploy/kube-console-reader.yaml (in the console's repository) creates a ServiceAccount "
                "that can only get, list and watch what the console reads. Apply it, then build a kubeconfig "
                "from its token as the README shows:",
                size="1",
                color=rx.color("gray", 11),
            ),
            rx.el.pre(
                READER_COMMANDS,
                style={
                    "margin": "0",
                    "width": "100%",
                    "box_sizing": "border-box",
                    "padding": "0.6rem 0.75rem",
                    "border_radius": "var(--radius-2)",
                    "background": rx.color("gray", 3),
                    "font_size": "11px",
                    "overflow_x": "auto",
                    "white_space": "pre",
                },
            ),
            rx.text(
                "A credential that can change the cluster or read Secrets still works: the test shows a "
                "warning, and the card keeps it.",
                size="1",
                color=rx.color("gray", 11),
            ),
            spacing="2",
            padding_top="0.5rem",
            width="100%",
        ),
        style={
            "padding": "0.6rem 0.75rem",
            "border": f"1px solid {rx.color('green', 6)}",
            "border_radius": "var(--radius-3)",
            "background": rx.color("green", 2),
            "width": "100%",
        },
    )


def _report_fact(label: str, value: rx.Var | str) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(label, min_width="110px"),
        rx.data_list.value(value),
    )


def _connection_report() -> rx.Component:
    report = ClustersState.report
    return rx.cond(
        report,
        rx.vstack(
            rx.hstack(
                rx.icon("circle-check", size=18, color=rx.color("green", 11)),
                rx.text("The connection works", weight="bold", size="2"),
                rx.spacer(),
                rx.text("Nothing is saved yet", size="1", color=rx.color("gray", 11)),
                align="center",
                width="100%",
            ),
            rx.hstack(
                provider_logo(report.provider, size="32px"),
                rx.vstack(
                    rx.text(report.provider_name, weight="medium", size="2"),
                    rx.text(
                        report.version,
                        " · ",
                        counted(report.node_count, "node"),
                        " · ",
                        counted(report.namespace_count, "namespace"),
                        " · ",
                        counted(report.pod_count, "pod"),
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                    spacing="0",
                ),
                align="center",
                spacing="3",
            ),
            rx.data_list.root(
                _report_fact("Server", report.server_host),
                _report_fact("User", rx.cond(report.user_name, report.user_name, "—")),
                _report_fact(
                    "Credential",
                    rx.cond(
                        report.credential_kind == "token", "Bearer token", "Client certificate"
                    ),
                ),
                _report_fact(
                    "Certificate expiry",
                    rx.cond(
                        report.certificate_expires_at,
                        rx.moment(report.certificate_expires_at, format="D MMM YYYY"),
                        "No client certificate",
                    ),
                ),
                _report_fact(
                    "Metrics",
                    rx.cond(
                        report.metrics_available,
                        "metrics-server answers",
                        "No metrics source (usage is not shown)",
                    ),
                ),
                size="1",
                spacing="1",
            ),
            rx.cond(
                report.warnings.length() > 0,
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.vstack(
                        rx.callout.text(
                            "You can register it, but this credential can do more than the console needs:",
                            weight="medium",
                        ),
                        rx.el.ul(
                            rx.foreach(report.warnings, lambda warning: rx.el.li(warning)),
                            style={
                                "margin": "0",
                                "padding_left": "1.1rem",
                                "font_size": "var(--font-size-1)",
                                "list_style_type": "disc",
                            },
                        ),
                        spacing="1",
                    ),
                    color_scheme="amber",
                    size="1",
                ),
            ),
            spacing="3",
            padding="0.75rem",
            border=f"1px solid {rx.color('green', 6)}",
            border_radius="var(--radius-3)",
            background=rx.color("green", 2),
            width="100%",
            role="status",
            aria_label="Connection test result",
        ),
    )


def _environment_select(default: rx.Var[str] | str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%"),
        rx.select.content(
            *[rx.select.item(name.capitalize(), value=name) for name in ENVIRONMENTS]
        ),
        name="environment",
        default_value=default,
    )


def _form_buttons(submit: rx.Component, working: rx.Var[bool]) -> rx.Component:
    return rx.hstack(
        rx.dialog.close(
            rx.button(
                "Cancel", variant="soft", color_scheme="gray", type="button", disabled=working
            )
        ),
        submit,
        spacing="3",
        justify="end",
        width="100%",
    )


def _register_dialog() -> rx.Component:
    errors = ClustersState.form_errors
    working = ClustersState.testing | ClustersState.registering
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Register a cluster"),
            rx.dialog.description(
                "Paste or upload its kubeconfig. The console tests the connection and shows what it "
                "found before anything is saved; the credential is then stored encrypted and never shown again.",
                size="2",
                color=rx.color("gray", 11),
                margin_bottom="1rem",
            ),
            rx.form(
                rx.vstack(
                    _keyring_problem(),
                    _reader_recommendation(),
                    rx.grid(
                        field(
                            "Name",
                            rx.input(
                                name="name",
                                required=True,
                                auto_complete="off",
                                placeholder="prod-eu",
                                auto_focus=True,  # not the notices above it: the first thing to fill
                            ),
                            errors.get("name", ""),
                            hint="Lower-case letters, digits, '-', '_' or '.'.",
                        ),
                        field(
                            "Environment",
                            _environment_select("production"),
                            errors.get("environment", ""),
                        ),
                        columns=rx.breakpoints(initial="1", xs="2"),
                        spacing="3",
                        width="100%",
                    ),
                    _kubeconfig_field(
                        REGISTER_KUBECONFIG_ID,
                        label="Kubeconfig",
                        hint=ACCEPTED_FIELDS_HINT,
                        required=True,
                    ),
                    _context_field(),
                    _insecure_tls_acknowledgement(),
                    _connection_error(),
                    _working(
                        ClustersState.testing,
                        "Testing the connection: version, nodes, namespaces, pods and permissions…",
                    ),
                    _working(
                        ClustersState.registering,
                        "Registering: storing the credential encrypted and the first sync…",
                    ),
                    _connection_report(),
                    _form_buttons(
                        rx.button(
                            rx.spinner(loading=working, size="2"),
                            rx.cond(ClustersState.report, "Register cluster", "Test connection"),
                            type="submit",
                            disabled=working,
                        ),
                        working,
                    ),
                    spacing="4",
                ),
                on_submit=ClustersState.submit_register,
            ),
            max_width="640px",
        ),
        open=ClustersState.register_open,
        on_open_change=ClustersState.register_dialog_changed,
    )


def _edit_dialog() -> rx.Component:
    errors = ClustersState.form_errors
    editing = ClustersState.editing
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit ", editing.name),
            rx.dialog.description(
                "Rename it, move it to another environment, or replace its credential.",
                size="2",
                color=rx.color("gray", 11),
                margin_bottom="1rem",
            ),
            rx.form(
                rx.vstack(
                    _keyring_problem(),
                    rx.grid(
                        field(
                            "Name",
                            rx.input(
                                name="name",
                                required=True,
                                auto_complete="off",
                                default_value=editing.name,
                            ),
                            errors.get("name", ""),
                        ),
                        field(
                            "Environment",
                            _environment_select(editing.environment),
                            errors.get("environment", ""),
                        ),
                        columns=rx.breakpoints(initial="1", xs="2"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.data_list.root(
                        _report_fact("Server", editing.server_host),
                        _report_fact(
                            "User", rx.cond(editing.credential_user, editing.credential_user, "—")
                        ),
                        _report_fact(
                            "Credential",
                            rx.cond(
                                editing.credential_kind == "token",
                                "Bearer token",
                                "Client certificate",
                            ),
                        ),
                        _report_fact(
                            "Certificate expiry",
                            rx.cond(
                                editing.certificate_expires_at,
                                rx.moment(editing.certificate_expires_at, format="D MMM YYYY"),
                                "No client certificate",
                            ),
                        ),
                        size="1",
                        spacing="1",
                        aria_label="Current credential",
                    ),
                    rx.el.details(
                        rx.el.summary(
                            rx.text(
                                "Replace the credential", size="2", weight="medium", as_="span"
                            ),
                            cursor="pointer",
                        ),
                        rx.vstack(
                            _kubeconfig_field(
                                EDIT_KUBECONFIG_ID,
                                label="New kubeconfig",
                                hint="Leave empty to keep the current credential. A new one is tested before it is stored.",
                                required=False,
                            ),
                            _context_field(),
                            _insecure_tls_acknowledgement(),
                            spacing="3",
                            padding_top="0.75rem",
                        ),
                        open=ClustersState.kubeconfig_problems.length() > 0,
                        style={"width": "100%"},
                    ),
                    _connection_error(),
                    _working(ClustersState.saving, "Saving; a new credential is tested first…"),
                    _form_buttons(
                        rx.button(
                            rx.spinner(loading=ClustersState.saving, size="2"),
                            "Save changes",
                            type="submit",
                            disabled=ClustersState.saving,
                        ),
                        ClustersState.saving,
                    ),
                    spacing="4",
                ),
                on_submit=ClustersState.save_edit,
            ),
            max_width="600px",
        ),
        open=ClustersState.edit_open,
        on_open_change=ClustersState.edit_dialog_changed,
    )


def _delete_dialog() -> rx.Component:
    gone = ClustersState.deletion
    return confirm_dialog(
        open=ClustersState.delete_open,
        on_open_change=ClustersState.delete_dialog_changed,
        title="Delete this cluster?",
        description=rx.vstack(
            rx.text(
                "The credential of ",
                rx.text(gone.name, weight="bold", as_="span"),
                " is erased at once, and everything synced from it is removed:",
            ),
            rx.el.ul(
                rx.el.li(counted(gone.namespaces, "namespace"), ", ", counted(gone.nodes, "node")),
                rx.el.li(counted(gone.workloads, "workload"), ", ", counted(gone.pods, "pod")),
                rx.el.li(
                    counted(gone.pvcs, "volume claim"),
                    ", ",
                    counted(gone.helm_releases, "Helm release"),
                ),
                rx.el.li(
                    gone.usage_samples.to_string(),
                    " usage samples, ",
                    gone.cost_rows.to_string(),
                    " hourly cost rows",
                ),
                style={"margin": "0", "padding_left": "1.1rem"},
            ),
            rx.text("Its costs disappear from every report. This can't be undone."),
            spacing="2",
        ),
        confirm_label="Delete cluster",
        on_confirm=ClustersState.delete_confirmed,
        working=ClustersState.deleting,
    )


def _register_button(label: str) -> rx.Component:
    return rx.button(
        rx.icon("plus", size=16), label, on_click=ClustersState.register_dialog_changed(True)
    )


def _empty() -> rx.Component:
    return empty_state(
        "server",
        "No clusters yet",
        "An admin can register one with its kubeconfig. Nodes, namespaces, workloads, health and "
        "costs appear here after the first sync.",
        rx.cond(SessionState.show_admin_nav, _register_button("Register your first cluster")),
    )


def _loading_cards() -> rx.Component:
    return rx.grid(
        *[rx.skeleton(height="250px", width="100%", loading=True) for _ in range(3)],
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="4",
        width="100%",
        aria_busy="true",
    )


def clusters_page() -> rx.Component:
    return page_frame(
        "Clusters",
        page_header(
            rx.cond(
                ClustersState.status_summary,
                ClustersState.status_summary,
                "The Kubernetes clusters your organization registered, their health and last sync.",
            ),
            updated_ago(ClustersState.loaded_at),
            rx.cond(
                SessionState.show_admin_nav & (ClustersState.tiles.length() > 0),
                _register_button("Register cluster"),
            ),
        ),
        rx.cond(SessionState.show_admin_nav, _keyring_problem()),
        rx.cond(
            ClustersState.loaded,
            rx.cond(ClustersState.tiles.length() > 0, cluster_grid(ClustersState.tiles), _empty()),
            _loading_cards(),
        ),
        auto_refresh(ClustersState.refresh),
        rx.cond(
            SessionState.show_admin_nav,
            rx.fragment(_register_dialog(), _edit_dialog(), _delete_dialog()),
        ),
    )
