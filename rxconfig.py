"""Reflex configuration, derived from the console's own settings (kube_console/settings.py)."""

import sys

import reflex as rx

from kube_console.security.private_files import private_state_store
from kube_console.settings import SettingsError, get_settings

try:
    settings = get_settings()
except SettingsError as problem:
    sys.exit(f"kube-console cannot start.\n{problem}")

# Every Reflex process reads this file before it starts its state manager.
private_state_store(redis_url=settings.redis_url)

config = rx.Config(
    app_name="kube_console",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=settings.port,
    backend_port=settings.port,
    redis_url=settings.redis_url,
    cors_allowed_origins=[settings.allowed_origin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
