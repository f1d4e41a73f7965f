"""Reflex configuration, derived from the console's own settings (kube_console/settings.py)."""

import sys

import reflex as rx

from kube_console.security.private_files import private_state_store
from kube_console.settings import SettingsError, get_settings
from kube_console.startup import quiet_reflex_messages

try:
    settings = get_settings()
except SettingsError as problem:
    sys.exit(f"kube-console cannot start.\n{problem}")

# Reflex's lines that mislead on this console's start-up (kube_console/startup.py).
quiet_reflex_messages()

# Every Reflex process reads this file before it starts its state manager.
private_state_store(redis_url=settings.redis_url)

config = rx.Config(
    app_name="kube_console",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=settings.port,
    backend_port=settings.port,
    redis_url=settings.redis_url,
    # KUBE_CONSOLE_ALLOWED_ORIGIN, and the loopback names of a local run at the console's port.
    cors_allowed_origins=settings.accepted_origins,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
