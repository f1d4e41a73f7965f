"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kube_console.db import UTCDateTime, make_unpooled_engine
from kube_console.migrations import alembic_config, pending_revisions, upgrade_to_head
from kube_console.models import Cluster, CostDaily, CostHourly, CostMonthly, Namespace, Organization
from tests.conftest import _empty_all_tables

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


def test_a_console_set_up_before_0002_stays_set_up_and_its_old_lockouts_are_dropped(
    database_url, engine
):
    engine.dispose()
    command.downgrade(alembic_config(database_url), "0001")
    old = make_unpooled_engine(database_url)
    with old.begin() as connection:
        for statement in (
            "INSERT INTO organizations (id, name, created_at) VALUES (7, 'Acme', :at)",
            (
                "INSERT INTO users (org_id, email, display_name, password_hash, role, active,"
                " created_at, updated_at)"
                " VALUES (7, 'ana@example.com', '', 'x', 'admin', TRUE, :at, :at)"
            ),
            (
                "INSERT INTO login_throttle (key_hash, failures, window_started_at, locked_until)"
                " VALUES ('k', 5, :at, :at)"
            ),
        ):
            connection.execute(text(statement), {"at": AT})
    upgrade_to_head(database_url)
    with old.connect() as connection:
        assert connection.execute(text("SELECT id, org_id FROM first_run_setup")).all() == [(1, 7)]
        assert connection.execute(text("SELECT COUNT(*) FROM login_throttle")).scalar() == 0
    old.dispose()


# ---- 0005: cost rows keyed by namespace_id, idle shares, requests with usage data ----------


def _migration(revision: str):
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision).module


_COST_FIXES = _migration("0005_cost_fixes")
BEFORE_COST_FIXES = _COST_FIXES.down_revision
_ROW_COLUMNS = (*_COST_FIXES.LABELS, *_COST_FIXES.OLD_FIGURES, "currency", "network_source")


def _cost_table(name: str, period: str) -> sa.TableClause:
    kind = UTCDateTime() if period == "hour_start" else sa.Date()
    return sa.table(name, *(sa.column(column) for column in _ROW_COLUMNS), sa.column(period, kind))


def _old_row(org, cluster, namespace_id, name, *, cpu_cost, cpu_hours, usage=0.0, **period):
    """A row as 0001's cost job wrote it: 1 core-hour requested costs $0.04."""
    return {
        "org_id": org,
        "cluster_id": cluster,
        "namespace_id": namespace_id,
        "namespace": name,
        "team": "unallocated",
        "cost_center": "unallocated",
        "hours": 1.0,
        "covered_hours": 1.0,
        "cpu_request_core_hours": 0.0 if name == "__idle__" else cpu_hours,
        "cpu_usage_core_hours": usage,
        "cpu_core_hours": cpu_hours,
        "memory_request_gib_hours": 0.0 if name == "__idle__" else 2.0,
        "memory_usage_gib_hours": 0.0,
        "memory_gib_hours": 0.0 if name == "__idle__" else 2.0,
        "storage_gib_hours": 0.0,
        "network_gb": 0.0,
        "cpu_cost": cpu_cost,
        "memory_cost": 0.0,
        "storage_cost": 0.0,
        "network_cost": 0.0,
        "total_cost": cpu_cost,
        "currency": "USD",
        "network_source": "none",
        "negative_idle_hours": 0,
        **period,
    }


def test_0005_carries_cost_rows_over_keyed_by_namespace_id(database_url, engine):
    """Before 0005, on a 4-core node: web asks 1 core every hour; shop asks 1 core at 09:00
    (using 0.5), is deleted, and a new shop (another uid) asks 1 core at 11:00. At 10:00 both
    shops ran and 0001 summed them into one row under the newer id. Its rollups were summed by
    name, under the newer id too."""
    engine.dispose()
    command.downgrade(alembic_config(database_url), BEFORE_COST_FIXES)
    old = make_unpooled_engine(database_url)
    at = [dt.datetime(2026, 3, 10, h, tzinfo=dt.UTC) for h in (9, 10, 11)]
    try:
        with Session(old) as session:  # these tables are the same before and after 0005
            org = Organization(name="acme")
            session.add(org)
            session.flush()
            cluster = Cluster(org_id=org.id, name="prod")
            session.add(cluster)
            session.flush()
            namespaces = {
                uid: Namespace(cluster_id=cluster.id, uid=uid, name=name)
                for uid, name in (("a", "shop"), ("b", "shop"), ("c", "web"))
            }
            session.add_all(namespaces.values())
            session.commit()
            org, cluster = org.id, cluster.id
            ids = {uid: namespace.id for uid, namespace in namespaces.items()}
        with old.begin() as connection:
            row = functools.partial(_old_row, org, cluster)
            hourly = [
                row(ids["a"], "shop", cpu_cost=0.04, cpu_hours=1, usage=0.5, hour_start=at[0]),
                row(ids["c"], "web", cpu_cost=0.04, cpu_hours=1, hour_start=at[0]),
                row(None, "__idle__", cpu_cost=0.08, cpu_hours=2, hour_start=at[0]),
                row(ids["b"], "shop", cpu_cost=0.08, cpu_hours=2, usage=1.0, hour_start=at[1]),
                row(ids["c"], "web", cpu_cost=0.04, cpu_hours=1, hour_start=at[1]),
                row(None, "__idle__", cpu_cost=0.04, cpu_hours=1, hour_start=at[1]),
                row(ids["b"], "shop", cpu_cost=0.04, cpu_hours=1, usage=0.5, hour_start=at[2]),
                row(ids["c"], "web", cpu_cost=0.04, cpu_hours=1, hour_start=at[2]),
                row(None, "__idle__", cpu_cost=0.08, cpu_hours=2, hour_start=at[2]),
            ]
            connection.execute(sa.insert(_cost_table("cost_hourly", "hour_start")), hourly)
            for table, period, value in (
                ("cost_daily", "day", dt.date(2026, 3, 10)),
                ("cost_monthly", "month", dt.date(2026, 3, 1)),
            ):
                when = {period: value}
                connection.execute(
                    sa.insert(_cost_table(table, period)),
                    [
                        row(ids["b"], "shop", cpu_cost=0.16, cpu_hours=4, usage=2, **when),
                        row(ids["c"], "web", cpu_cost=0.12, cpu_hours=3, **when),
                        row(None, "__idle__", cpu_cost=0.20, cpu_hours=5, **when),
                    ],
                )
        upgrade_to_head(database_url)

        with Session(old) as session:
            rows = session.exec(select(CostHourly).order_by(CostHourly.id)).all()
            # Each hour's idle goes to its namespaces in proportion to their CPU cost.
            shares = [
                (row.namespace, row.idle_cpu_share, row.idle_cpu_share_core_hours) for row in rows
            ]
            assert shares == [
                ("shop", _dollars(0.04), pytest.approx(1.0)),
                ("web", _dollars(0.04), pytest.approx(1.0)),
                ("__idle__", _dollars(-0.08), pytest.approx(-2.0)),
                ("shop", _dollars(0.04 * 0.08 / 0.12), pytest.approx(2 / 3)),
                ("web", _dollars(0.04 * 0.04 / 0.12), pytest.approx(1 / 3)),
                ("__idle__", _dollars(-0.04), pytest.approx(-1.0)),
                ("shop", _dollars(0.04), pytest.approx(1.0)),
                ("web", _dollars(0.04), pytest.approx(1.0)),
                ("__idle__", _dollars(-0.08), pytest.approx(-2.0)),
            ]
            # A row with usage had usage data for its requests; web never reported usage.
            assert [row.cpu_metered_request_core_hours for row in rows[:3]] == [1.0, 0.0, 0.0]
            assert [row.memory_metered_request_gib_hours for row in rows[:3]] == [2.0, 0.0, 0.0]
            for model in (CostDaily, CostMonthly):
                rollup = {row.namespace_id: row for row in session.exec(select(model)).all()}
                assert {key: row.cpu_cost for key, row in rollup.items()} == {
                    ids["a"]: _dollars(0.04),
                    ids["b"]: _dollars(0.12),
                    ids["c"]: _dollars(0.12),
                    None: _dollars(0.20),
                }
                assert rollup[ids["a"]].idle_cpu_share == _dollars(0.04)
                assert rollup[ids["b"]].idle_cpu_share == _dollars(0.04 * 0.08 / 0.12 + 0.04)
                assert rollup[None].idle_cpu_share == _dollars(-0.20)
                assert (rollup[ids["a"]].hours, rollup[ids["b"]].hours) == (1.0, 2.0)
            # One idle row per cluster-hour, even though its namespace_id is NULL.
            with pytest.raises(IntegrityError), session.begin_nested():
                session.execute(
                    sa.insert(_cost_table("cost_hourly", "hour_start")),
                    [row(None, "__idle__", cpu_cost=0.0, cpu_hours=0, hour_start=at[0])],
                )

        # Down again, the shops of one name in one period are one row once more.
        command.downgrade(alembic_config(database_url), BEFORE_COST_FIXES)
        with old.connect() as connection:
            days = connection.execute(
                sa.text("SELECT namespace_id, cpu_cost FROM cost_daily ORDER BY namespace")
            ).all()
        assert [(namespace_id, round(cost, 9)) for namespace_id, cost in days] == [
            (None, 0.2),
            (ids["b"], 0.16),
            (ids["c"], 0.12),
        ]
    finally:
        upgrade_to_head(database_url)
        old.dispose()
        _empty_all_tables(engine)


def _dollars(value: float):
    return pytest.approx(value, abs=1e-9)
