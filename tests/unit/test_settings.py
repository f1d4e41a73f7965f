import os

import pytest

from kube_console.settings import ENV_PREFIX, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    """Read settings away from the developer's own .env and KUBE_CONSOLE_* variables."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX):
            monkeypatch.delenv(name)


def test_defaults_are_the_embedded_single_process_setup(tmp_path):
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'kube_console.db'}"
    assert (
        settings.sync_interval_seconds,
        settings.cost_interval_seconds,
        settings.sync_threads,
    ) == (30, 3600, 5)
    assert settings.run_workers and not settings.allow_loopback_clusters
    assert settings.team_label_keys == ["team"]
    assert settings.cost_center_label_keys == ["cost-center", "cost_center", "costcenter"]
    # Events per session and per user: a page load is two or three, people never get near.
    assert (settings.event_rate_limit_burst, settings.event_rate_limit_per_minute) == (60, 300)
    assert (settings.event_user_rate_limit_burst, settings.event_user_rate_limit_per_minute) == (
        120,
        600,
    )


def test_label_keys_are_read_as_comma_separated_lists(monkeypatch):
    monkeypatch.setenv("KUBE_CONSOLE_TEAM_LABEL_KEYS", "team, owner")
    assert load_settings().team_label_keys == ["team", "owner"]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("KUBE_CONSOLE_SYNC_INTERVAL_SECONDS", "soon", "a whole number of seconds from 5 to 3600"),
        ("KUBE_CONSOLE_SYNC_INTERVAL_SECONDS", "1", "a whole number of seconds from 5 to 3600"),
        ("KUBE_CONSOLE_SYNC_THREADS", "0", "a whole number of threads from 1 to 100"),
        ("KUBE_CONSOLE_SYNC_BATCH_SIZE", "5", "it is now KUBE_CONSOLE_SYNC_THREADS"),
        ("KUBE_CONSOLE_DB_URL", "mysql://x", "sqlite:///path/to/file.db or postgresql+psycopg://"),
        ("KUBE_CONSOLE_REDIS_URL", "http://x", "a Redis URL"),
        ("KUBE_CONSOLE_RUN_WORKERS", "perhaps", "1 or 0"),
        ("KUBE_CONSOLE_ALLOWED_ORIGIN", "*", "the console's own origin"),
        ("KUBE_CONSOLE_TEAM_LABEL_KEYS", " , ", "comma-separated namespace label keys"),
        ("KUBE_CONSOLE_EVENT_RATE_LIMIT_BURST", "0", "a whole number of events from 1 to 100000"),
        (
            "KUBE_CONSOLE_EVENT_USER_RATE_LIMIT_PER_MINUTE",
            "lots",
            "a whole number of events per minute",
        ),
        (
            "KUBE_CONSOLE_TRUSTED_PROXIES",
            "proxy.internal",
            "addresses or CIDR ranges of the proxies",
        ),
        ("KUBE_CONSOLE_TRUSTED_PROXIES", "10.0.0.5/8", "addresses or CIDR ranges of the proxies"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_expected_form(
    monkeypatch, variable, value, expected
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as failure:
        load_settings()
    assert variable in str(failure.value)
    assert expected in str(failure.value)


def test_trusted_proxies_are_read_as_addresses_and_ranges(monkeypatch):
    assert load_settings().trusted_proxies == []
    monkeypatch.setenv("KUBE_CONSOLE_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16,fd00::/8")
    assert [str(network) for network in load_settings().trusted_proxies] == [
        "10.0.0.5/32",
        "10.1.0.0/16",
        "fd00::/8",
    ]


def test_postgres_urls_are_accepted(monkeypatch):
    monkeypatch.setenv("KUBE_CONSOLE_DB_URL", "postgresql+psycopg://u:p@db:5432/kc")
    settings = load_settings()
    assert settings.database_url.startswith("postgresql+psycopg://") and not settings.is_sqlite
