"""The Reflex app: pages, the HTTP routes beside them, and (later) the scheduler's lifespan task."""

from __future__ import annotations

import reflex as rx
from starlette.applications import Starlette

from kube_console import routes
from kube_console.api import browser_auth
from kube_console.pages.auth import login_page, setup_page
from kube_console.pages.overview import overview_page
from kube_console.states.session import SessionState, SetupState, SignInState

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
    api_transformer=Starlette(routes=browser_auth.routes),
)

app.add_page(setup_page, route=routes.SETUP, title="Set up · kube-console", on_load=SetupState.check_open)
app.add_page(login_page, route=routes.LOGIN, title="Sign in · kube-console", on_load=SignInState.load)
app.add_page(overview_page, route=routes.OVERVIEW, title="Overview · kube-console", on_load=SessionState.require_session)
