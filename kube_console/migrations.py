"""Applying the alembic migrations from code (`python -m kube_console migrate`, tests, start-up)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from kube_console.db import make_unpooled_engine

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["url"] = url
    return config


def upgrade_to_head(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def pending_revisions(url: str) -> list[str]:
    """Revisions not applied yet to the database at `url` (empty when it is current)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    engine = make_unpooled_engine(url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    head = script.get_current_head()
    if head in current:
        return []
    return [rev.revision for rev in script.iterate_revisions(head, tuple(current) or "base")]


@dataclasses.dataclass(frozen=True, slots=True)
class Migrated:
    """What `migrate` did to a database, for the line it prints."""

    location: str  # the SQLite file, or host/database (never the password)
    created: bool  # the SQLite file did not exist before
    applied: int  # migrations applied now
    total: int  # migrations the schema is made of

    def summary(self) -> str:
        if self.created:
            return f"created {self.location} and applied {self.applied} migrations"
        if self.applied:
            return f"applied {self.applied} migrations to {self.location}"
        return f"{self.location} is up to date ({self.total} migrations applied)"


def database_location(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return f"{parsed.host or 'localhost'}{f':{parsed.port}' if parsed.port else ''}/{parsed.database or ''}"


def migrate(url: str) -> Migrated:
    """Bring the database at `url` to the newest schema, creating a SQLite file if need be."""
    location = database_location(url)
    created = url.startswith("sqlite") and not Path(location).exists()
    applied = len(pending_revisions(url))
    upgrade_to_head(url)
    total = len(list(ScriptDirectory.from_config(alembic_config(url)).walk_revisions()))
    return Migrated(location=location, created=created, applied=applied, total=total)
