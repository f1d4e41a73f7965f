"""`python -m kube_console sync`: once with --once, else a round every interval until Ctrl-C."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kube_console import cli
from kube_console.services.sync import SyncOutcome
from kube_console.settings import Settings


@pytest.fixture
def rounds(monkeypatch):
    """The sync passes the command runs (no cluster is contacted) and the waits between them;
    the third wait is interrupted, as Ctrl-C would."""
    passes: list[int] = []
    waits: list[float] = []

    def sync_all_once(**_):
        passes.append(len(passes) + 1)
        return [
            SyncOutcome(
                cluster_id=1, cluster_name="prod", status="healthy", duration_ms=12.0, pods=7
            )
        ]

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        return len(waits) >= 3  # True: stopped

    monkeypatch.setattr("kube_console.workers.sync_job.sync_all_once", sync_all_once)
    monkeypatch.setattr(cli, "_keyring_or_fail", lambda: None)
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(sync_interval_seconds=45))
    monkeypatch.setattr(cli, "_wait_for_next_round", wait)
    return passes, waits


def test_sync_once_syncs_one_round_and_exits(rounds):
    passes, waits = rounds
    result = CliRunner().invoke(cli.app, ["sync", "--once"])
    assert result.exit_code == 0, result.output
    assert (passes, waits) == ([1], [])
    assert result.output.split()[:2] == ["prod", "healthy"]


def test_sync_without_once_keeps_syncing_every_interval_until_stopped(rounds):
    passes, waits = rounds
    result = CliRunner().invoke(cli.app, ["sync"])
    assert result.exit_code == 0, result.output
    assert (passes, waits) == ([1, 2, 3], [45, 45, 45])
    assert result.output.count("prod ") == 3
    assert "every 45 s; Ctrl-C to stop" in result.output
