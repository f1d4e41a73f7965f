"""`python -m kube_console migrate` says what it did: created the database, applied N
migrations, or found it up to date."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kube_console import cli
from kube_console.migrations import PROJECT_ROOT
from kube_console.settings import Settings

MIGRATIONS = len(list((PROJECT_ROOT / "alembic" / "versions").glob("[0-9]*.py")))


def test_migrate_says_it_created_the_database_then_that_it_is_up_to_date(
    tmp_path: Path, monkeypatch
):
    database = tmp_path / "fresh" / "console.db"
    database.parent.mkdir()
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(db_url=f"sqlite:///{database}"))
    runner = CliRunner()

    first = runner.invoke(cli.app, ["migrate"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == f"created {database} and applied {MIGRATIONS} migrations"
    assert "up to date" not in first.output

    again = runner.invoke(cli.app, ["migrate"])
    assert again.exit_code == 0, again.output
    assert again.output.strip() == f"{database} is up to date ({MIGRATIONS} migrations applied)"
