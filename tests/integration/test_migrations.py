"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from kube_console.db import make_unpooled_engine
from kube_console.migrations import alembic_config, pending_revisions, upgrade_to_head

AT = "2026-01-05 10:00:00"


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


def test_a_console_set_up_before_0002_stays_set_up_and_its_old_lockouts_are_dropped(database_url, engine):
    engine.dispose()
    command.downgrade(alembic_config(database_url), "0001")
    old = make_unpooled_engine(database_url)
    with old.begin() as connection:
        for statement in (
            "INSERT INTO organizations (id, name, created_at) VALUES (7, 'Acme', :at)",
            "INSERT INTO users (org_id, email, display_name, password_hash, role, active, created_at,"
            " updated_at) VALUES (7, 'ana@example.com', '', 'x', 'admin', TRUE, :at, :at)",
            "INSERT INTO login_throttle (key_hash, failures, window_started_at, locked_until)"
            " VALUES ('k', 5, :at, :at)",
        ):
            connection.execute(text(statement), {"at": AT})
    upgrade_to_head(database_url)
    with old.connect() as connection:
        assert connection.execute(text("SELECT id, org_id FROM first_run_setup")).all() == [(1, 7)]
        assert connection.execute(text("SELECT COUNT(*) FROM login_throttle")).scalar() == 0
    old.dispose()
