"""The Reflex app: pages, the HTTP routes beside them, and the scheduler's lifespan task."""

from __future__ import annotations

import functools
from pathlib import Path

import reflex as rx
from reflex import constants
from reflex.utils import prerequisites
from starlette.applications import Starlette
from starlette.routing import Mount

from kube_console import routes
from kube_console.api import browser_auth, edge
from kube_console.api.v1 import api_v1
from kube_console.components.origin_notice import refused_origin_notice
from kube_console.pages.admin_settings import admin_settings_page
from kube_console.pages.admin_users import admin_users_page
from kube_console.pages.admin_workers import admin_workers_page
from kube_console.pages.auth import change_password_page, login_page, setup_page
from kube_console.pages.cluster_detail import cluster_detail_page
from kube_console.pages.clusters import clusters_page
from kube_console.pages.costs import costs_page
from kube_console.pages.helm import helm_page
from kube_console.pages.helm_release import helm_release_page
from kube_console.pages.namespace_detail import namespace_detail_page
from kube_console.pages.overview import overview_page
from kube_console.pages.pod_detail import pod_detail_page
from kube_console.pages.pods import pods_page
from kube_console.pages.profile import profile_page
from kube_console.pages.workload_detail import workload_detail_page
from kube_console.security.headers import BuiltPages
from kube_console.settings import get_settings
from kube_console.startup import announce_ready
from kube_console.states.admin_settings import SettingsState
from kube_console.states.admin_workers import WorkersState
from kube_console.states.cluster_detail import ClusterDetailState
from kube_console.states.clusters import ClustersState
from kube_console.states.costs import CostsState
from kube_console.states.helm import HelmState
from kube_console.states.helm_release import HelmReleaseState
from kube_console.states.namespace_detail import NamespaceDetailState
from kube_console.states.node_prices import NodePricesState
from kube_console.states.overview import OverviewState
from kube_console.states.pod_detail import PodDetailState
from kube_console.states.pods import PodsState
from kube_console.states.profile import ChangePasswordState, ProfileState
from kube_console.states.session import SessionState, SetupState, SignInState
from kube_console.states.users import UsersState
from kube_console.states.workload_detail import WorkloadDetailState
from kube_console.workers.scheduler import scheduler_lifespan


def _built_pages_directory() -> Path:
    """Where `reflex run --env prod` builds the pages the server then serves (as Reflex's
    own frontend mount finds them)."""
    frontend_path = rx.config.get_config().frontend_path.strip("/")
    return prerequisites.get_web_dir() / constants.Dirs.STATIC / frontend_path


app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.script(src="/keyboard.js", defer=True),
    ],
    # Over every page: opened at an address the console refuses, the page says what to do.
    extra_app_wraps={(6, "RefusedOriginNotice"): lambda _stateful: refused_origin_notice()},
    # Reflex runs behind hide_session_cookie; /auth/* is served before it, with the cookie.
    # The REST API authenticates by bearer token only and never sees Reflex's state.
    # The edge comes last, so it wraps everything: it limits bodies and adds the headers.
    api_transformer=[
        browser_auth.hide_session_cookie,
        Starlette(routes=[*browser_auth.routes, Mount("/api/v1", app=api_v1)]),
        functools.partial(edge.guard_edge, pages=BuiltPages(_built_pages_directory())),
    ],
)
if get_settings().demo:  # first: the demo's recent hours are in place before the scheduler starts
    from kube_console.demo.runtime import demo_lifespan

    app.register_lifespan_task(demo_lifespan)
app.register_lifespan_task(scheduler_lifespan)
app.register_lifespan_task(announce_ready)  # "kube-console is ready at http://localhost:3000"

app.add_page(
    setup_page, route=routes.SETUP, title="Set up · kube-console", on_load=SetupState.check_open
)
app.add_page(
    login_page, route=routes.LOGIN, title="Sign in · kube-console", on_load=SignInState.load
)
app.add_page(
    change_password_page,
    route=routes.CHANGE_PASSWORD,
    title="Choose your password · kube-console",
    on_load=ChangePasswordState.load,
)

SIGNED_IN = SessionState.require_session  # fills the shell, or sends the browser to sign in
app.add_page(
    overview_page,
    route=routes.OVERVIEW,
    title="Overview · kube-console",
    on_load=[SIGNED_IN, OverviewState.load],
)
app.add_page(
    clusters_page,
    route=routes.CLUSTERS,
    title="Clusters · kube-console",
    on_load=[SIGNED_IN, ClustersState.load],
)
app.add_page(
    costs_page,
    route=routes.COSTS,
    title="Costs · kube-console",
    on_load=[SIGNED_IN, CostsState.load],
)
app.add_page(
    helm_page,
    route=routes.HELM,
    title="Helm releases · kube-console",
    on_load=[SIGNED_IN, HelmState.load],
)
app.add_page(
    cluster_detail_page,
    route=routes.CLUSTER_DETAIL,
    title="Cluster · kube-console",
    on_load=[SIGNED_IN, ClusterDetailState.load],
)
app.add_page(
    namespace_detail_page,
    route=routes.NAMESPACE_DETAIL,
    title="Namespace · kube-console",
    on_load=[SIGNED_IN, NamespaceDetailState.load],
)
app.add_page(
    workload_detail_page,
    route=routes.WORKLOAD_DETAIL,
    title="Workload · kube-console",
    on_load=[SIGNED_IN, WorkloadDetailState.load],
)
app.add_page(
    pods_page, route=routes.PODS, title="Pods · kube-console", on_load=[SIGNED_IN, PodsState.load]
)
app.add_page(
    helm_release_page,
    route=routes.HELM_RELEASE_DETAIL,
    title="Helm release · kube-console",
    on_load=[SIGNED_IN, HelmReleaseState.load],
)
app.add_page(
    pod_detail_page,
    route=routes.POD_DETAIL,
    title="Pod · kube-console",
    on_load=[SIGNED_IN, PodDetailState.load],
)
app.add_page(
    profile_page,
    route=routes.PROFILE,
    title="Profile · kube-console",
    on_load=[SIGNED_IN, ProfileState.load],
)
app.add_page(
    admin_users_page,
    route=routes.ADMIN_USERS,
    title="Users · kube-console",
    on_load=[SIGNED_IN, UsersState.load],
)
app.add_page(
    admin_workers_page,
    route=routes.ADMIN_WORKERS,
    title="Workers · kube-console",
    on_load=[SIGNED_IN, WorkersState.load],
)
app.add_page(
    admin_settings_page,
    route=routes.ADMIN_SETTINGS,
    title="Settings · kube-console",
    on_load=[SIGNED_IN, SettingsState.load, NodePricesState.load],
)
