"""The console's one settings object, read from KUBE_CONSOLE_* variables and an optional .env.

Every value is validated when the process starts. A bad value stops start-up with a
message that names the variable and the form it expects (`SettingsError`). Encryption
keys are the exception on purpose: a missing or malformed keyring must not stop the
console from starting; it fails closed instead (see security/keyring.py).
"""

from __future__ import annotations

import functools
import ipaddress
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "KUBE_CONSOLE_"

# What each variable expects, in words, for start-up error messages.
EXPECTED_FORMS: dict[str, str] = {
    "data_dir": "a directory path",
    "db_url": "a SQLAlchemy URL: sqlite:///path/to/file.db or postgresql+psycopg://user:pass@host:5432/db",
    "redis_url": "a Redis URL such as redis://127.0.0.1:6379/0, or empty",
    "sync_interval_seconds": "a whole number of seconds from 5 to 3600",
    "cost_interval_seconds": "a whole number of seconds from 60 to 86400",
    "provisional_interval_seconds": "a whole number of seconds from 30 to 3600",
    "sync_threads": "a whole number of threads from 1 to 100",
    "sync_batch_size": "nothing: it is now KUBE_CONSOLE_SYNC_THREADS, the sync threads of each worker process",
    "sample_retention_days": "a whole number of days from 1 to 400",
    "run_workers": "1 or 0 (true or false)",
    "allow_loopback_clusters": "1 or 0 (true or false)",
    "demo": "1 or 0 (true or false); 1 only through make demo",
    "allowed_origin": "the console's own origin, such as https://console.example.com",
    "trusted_proxies": "comma-separated addresses or CIDR ranges of the proxies in front of the console, "
    "such as 10.0.0.5,10.1.0.0/16, or empty",
    "team_label_keys": "comma-separated namespace label keys, such as team,owner",
    "cost_center_label_keys": "comma-separated namespace label keys, such as cost-center,cost_center",
    "session_hours": "a whole number of hours from 1 to 720",
    "port": "a TCP port from 1 to 65535",
    "api_rate_limit_per_minute": "a whole number of requests per minute from 1 to 100000",
    "api_rate_limit_burst": "a whole number of requests from 1 to 100000",
    "event_rate_limit_per_minute": "a whole number of events per minute from 1 to 100000",
    "event_rate_limit_burst": "a whole number of events from 1 to 100000",
    "event_user_rate_limit_per_minute": "a whole number of events per minute from 1 to 100000",
    "event_user_rate_limit_burst": "a whole number of events from 1 to 100000",
}


class SettingsError(Exception):
    """A setting has a value the console cannot start with."""


def _comma_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    keys = [str(item).strip() for item in value if str(item).strip()]
    if not keys:
        raise ValueError("at least one key is needed")
    return keys


def _networks(value: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses and CIDR ranges; a range with host bits set (10.0.0.5/8) is refused as a likely typo."""
    if isinstance(value, str):
        value = value.split(",")
    return [ipaddress.ip_network(str(item).strip()) for item in value if str(item).strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    data_dir: Path = Path("data")
    db_url: str = ""
    redis_url: str | None = None
    encryption_keys: SecretStr | None = None

    sync_interval_seconds: int = Field(default=30, ge=5, le=3600)
    cost_interval_seconds: int = Field(default=3600, ge=60, le=86400)
    # How often the open hour is priced from its samples so far (shown as provisional).
    provisional_interval_seconds: int = Field(default=300, ge=30, le=3600)
    # How many clusters one worker process syncs at once (its sync thread pool).
    sync_threads: int = Field(default=5, ge=1, le=100)
    sync_batch_size: None = None  # renamed sync_threads: refused with a message saying so
    sample_retention_days: int = Field(default=14, ge=1, le=400)
    run_workers: bool = True
    allow_loopback_clusters: bool = False
    # make demo: a demo organization whose clusters the built-in fake API server serves
    # (kube_console/demo), and a banner on every page saying so.
    demo: bool = False

    allowed_origin: str = "http://localhost:3000"
    # Proxies whose X-Forwarded-For is believed when they are the socket peer (api/browser_auth.py)
    trusted_proxies: Annotated[list[ipaddress.IPv4Network | ipaddress.IPv6Network], NoDecode] = []
    port: int = Field(default=3000, ge=1, le=65535)
    session_hours: int = Field(default=12, ge=1, le=720)
    # Token buckets of `burst` refilled at `per_minute` (security/rate_limit.py). REST API: per token.
    api_rate_limit_per_minute: int = Field(default=120, ge=1, le=100_000)
    api_rate_limit_burst: int = Field(default=60, ge=1, le=100_000)
    # Page events that query: per sign-in session, and per user across their sessions. A page
    # load is two or three events and a visible page refreshes every 30 s: people never get near.
    event_rate_limit_per_minute: int = Field(default=300, ge=1, le=100_000)
    event_rate_limit_burst: int = Field(default=60, ge=1, le=100_000)
    event_user_rate_limit_per_minute: int = Field(default=600, ge=1, le=100_000)
    event_user_rate_limit_burst: int = Field(default=120, ge=1, le=100_000)

    team_label_keys: Annotated[list[str], NoDecode] = ["team"]
    cost_center_label_keys: Annotated[list[str], NoDecode] = [
        "cost-center",
        "cost_center",
        "costcenter",
    ]

    @field_validator("team_label_keys", "cost_center_label_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> list[str]:
        return _comma_list(value)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_networks(cls, value: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return _networks(value)

    @field_validator("db_url")
    @classmethod
    def _check_db_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError("unsupported scheme")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("unsupported scheme")
        return value

    @field_validator("allowed_origin")
    @classmethod
    def _check_origin(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError("not an origin")
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def accepted_origins(self) -> list[str]:
        """The browser origins whose pages may talk to the console: the configured one and, at
        the console's own port, the loopback names a local run is opened at (a page served
        from one of these on the user's own machine is the console itself)."""
        local = [f"http://{host}:{self.port}" for host in ("localhost", "127.0.0.1", "[::1]")]
        return list(dict.fromkeys([self.allowed_origin, *local]))

    @property
    def database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in the data directory."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / 'kube_console.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings, turning validation errors into one clear message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            variable = ENV_PREFIX + field.upper()
            expected = EXPECTED_FORMS.get(field, "a valid value")
            got = error.get("input")
            shown = f", got {got!r}" if isinstance(got, str | int | float) else ""
            lines.append(f"{variable}: expected {expected}{shown}")
        raise SettingsError("Invalid configuration:\n  " + "\n  ".join(lines)) from None


@functools.cache
def get_settings() -> Settings:
    return load_settings()
