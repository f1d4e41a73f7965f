"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from kube_console.db import make_unpooled_engine
from kube_console.migrations import alembic_config, pending_revisions, upgrade_to_head


def test_the_migrated_schema_matches_the_models(database_url):
    command.check(alembic_config(database_url))  # raises when autogenerate would change anything
    assert pending_revisions(database_url) == []


def test_migrations_go_down_and_up_again(database_url, engine):
    engine.dispose()
    command.downgrade(alembic_config(database_url), "base")
    bare = make_unpooled_engine(database_url)
    assert set(inspect(bare).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(database_url)
    assert "pods" in inspect(bare).get_table_names()
    bare.dispose()
