"""Cost rows keyed by namespace_id; idle shared per cluster-hour; requests with usage data

Revision ID: 0005_cost_fixes
Revises: 0004_sync_scheduling
Create Date: 2026-12-01

Three changes to cost_hourly, cost_daily and cost_monthly (cost-model.md):

1. A row is keyed by (cluster_id, namespace_id, period, team, cost_center) instead of the
   namespace's name, so a namespace deleted and created again under its name (a new uid, a new
   namespace_id) never merges with the old one. The name stays for display.
   Idle rows (namespace "__idle__") have no namespace: namespace_id NULL. NULLs never collide in
   a unique key, so a partial unique index, uq_<table>_idle on (cluster_id, period) WHERE
   namespace = '__idle__', keeps one idle row per cluster-period. It reads the name rather than
   the NULL so that a namespace row losing its namespace_id (ON DELETE SET NULL) can never be
   taken for, or collide with, idle.
2. idle_cpu_share, idle_memory_share and the core-hours and GiB-hours behind them: idle shared
   per cluster-hour in proportion to the namespaces' CPU and memory cost. A namespace row holds
   what it receives, the idle row minus what it gave away (all of it, or nothing when no
   namespace of that hour had a cost to carry it by). Rollups sum them like every figure, so a
   day or a month shares exactly what its hours do.
3. cpu_metered_request_core_hours and memory_metered_request_gib_hours: the requests over the
   samples that had usage figures (metrics.k8s.io), what efficiency sets usage against.

Existing rows are carried over:
- Hourly rows keep their namespace_id. An hour in which a namespace was re-created holds one
  row, under the newer namespace (the samples it was summed from may be gone): that hour
  stays as it was computed; "recompute from <date>" splits it if its samples are still kept.
- Their shares are worked out per cluster-hour, as the cost job now does.
- Which samples had usage figures is not recorded in old rows: an hourly row with any usage
  (CPU or memory) counts all its requests as metered, one without any usage none of them.
  A running container with metrics always reports some memory, so a row without usage is a
  cluster without metrics.k8s.io. A recompute gives the exact figures for the hours whose
  samples are kept.
- Daily and monthly rows are rebuilt from the hourly rows (which the console never deletes),
  a row per namespace_id, as the cost job rolls hours up.

The downgrade merges rows of one name again (summing their figures under the newest
namespace_id) and drops the new columns.
"""

import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_cost_fixes"
down_revision: str | None = "0004_sync_scheduling"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IDLE = "__idle__"
TABLES = (("cost_hourly", "hour_start"), ("cost_daily", "day"), ("cost_monthly", "month"))
NEW_FIGURES = (
    "cpu_metered_request_core_hours",
    "memory_metered_request_gib_hours",
    "idle_cpu_share",
    "idle_memory_share",
    "idle_cpu_share_core_hours",
    "idle_memory_share_gib_hours",
)
OLD_FIGURES = (
    "hours",
    "covered_hours",
    "cpu_request_core_hours",
    "cpu_usage_core_hours",
    "cpu_core_hours",
    "memory_request_gib_hours",
    "memory_usage_gib_hours",
    "memory_gib_hours",
    "storage_gib_hours",
    "network_gb",
    "cpu_cost",
    "memory_cost",
    "storage_cost",
    "network_cost",
    "total_cost",
    "negative_idle_hours",
)
LABELS = ("org_id", "cluster_id", "namespace_id", "namespace", "team", "cost_center")


def _execute(sql: str) -> None:
    op.get_bind().execute(sa.text(sql))


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for table, period in TABLES:
        with op.batch_alter_table(table) as batch:
            for name in NEW_FIGURES:
                batch.add_column(sa.Column(name, sa.Float(), nullable=False, server_default="0"))
            batch.drop_constraint(f"uq_{table}_row", type_="unique")
            batch.create_unique_constraint(
                f"uq_{table}_row", ["cluster_id", "namespace_id", period, "team", "cost_center"]
            )
        idle_only = sa.text(f"namespace = '{IDLE}'")
        op.create_index(
            f"uq_{table}_idle",
            table,
            ["cluster_id", period],
            unique=True,
            sqlite_where=idle_only,
            postgresql_where=idle_only,
        )
    _fill_hourly_rows()
    _rebuild_rollups()


def _fill_hourly_rows() -> None:
    _execute(
        """
        UPDATE cost_hourly SET
          cpu_metered_request_core_hours = CASE
            WHEN cpu_usage_core_hours > 0 OR memory_usage_gib_hours > 0
            THEN cpu_request_core_hours ELSE 0 END,
          memory_metered_request_gib_hours = CASE
            WHEN cpu_usage_core_hours > 0 OR memory_usage_gib_hours > 0
            THEN memory_request_gib_hours ELSE 0 END
        """
    )
    _execute(
        f"""
        CREATE TEMPORARY TABLE idle_pools AS
        SELECT cluster_id, hour_start,
          SUM(CASE WHEN namespace = '{IDLE}' THEN cpu_cost ELSE 0 END) AS idle_cpu,
          SUM(CASE WHEN namespace = '{IDLE}' THEN cpu_core_hours ELSE 0 END) AS idle_cpu_hours,
          SUM(CASE WHEN namespace = '{IDLE}' THEN memory_cost ELSE 0 END) AS idle_memory,
          SUM(CASE WHEN namespace = '{IDLE}' THEN memory_gib_hours ELSE 0 END) AS idle_memory_hours,
          SUM(CASE WHEN namespace = '{IDLE}' THEN 0 ELSE cpu_cost END) AS used_cpu,
          SUM(CASE WHEN namespace = '{IDLE}' THEN 0 ELSE memory_cost END) AS used_memory
        FROM cost_hourly GROUP BY cluster_id, hour_start
        """
    )
    _execute("CREATE UNIQUE INDEX ix_idle_pools ON idle_pools (cluster_id, hour_start)")
    if _is_postgresql() or sqlite3.sqlite_version_info >= (3, 33):
        pool, source = "p.{}".format, f"FROM idle_pools AS p WHERE {_same_hour('p')}"
    else:  # no UPDATE ... FROM before SQLite 3.33

        def pool(name: str) -> str:
            return f"(SELECT {name} FROM idle_pools AS p WHERE {_same_hour('p')})"

        source = ""

    def share(cost: str, pooled: str, used: str) -> str:
        return (
            f"CASE WHEN COALESCE({pool(used)}, 0) = 0 THEN 0 "
            f"WHEN cost_hourly.namespace = '{IDLE}' THEN -{pool(pooled)} "
            f"ELSE cost_hourly.{cost} * {pool(pooled)} / {pool(used)} END"
        )

    _execute(
        f"""
        UPDATE cost_hourly SET
          idle_cpu_share = {share("cpu_cost", "idle_cpu", "used_cpu")},
          idle_cpu_share_core_hours = {share("cpu_cost", "idle_cpu_hours", "used_cpu")},
          idle_memory_share = {share("memory_cost", "idle_memory", "used_memory")},
          idle_memory_share_gib_hours = {share("memory_cost", "idle_memory_hours", "used_memory")}
        {source}
        """
    )
    _execute("DROP TABLE idle_pools")


def _same_hour(pool: str) -> str:
    return (
        f"{pool}.cluster_id = cost_hourly.cluster_id AND {pool}.hour_start = cost_hourly.hour_start"
    )


def _rebuild_rollups() -> None:
    if _is_postgresql():
        day = "CAST(hour_start AT TIME ZONE 'UTC' AS date)"
        month = "CAST(date_trunc('month', day) AS date)"
    else:  # times are stored as UTC text
        day, month = "date(hour_start)", "strftime('%Y-%m-01', day)"
    figures = (*OLD_FIGURES, *NEW_FIGURES)
    columns = ", ".join((*LABELS, *figures, "currency", "network_source"))
    sums = ", ".join(f"SUM({name})" for name in figures)
    labels = ", ".join(LABELS)
    for target, period, source, expression in (
        ("cost_daily", "day", "cost_hourly", day),
        ("cost_monthly", "month", "cost_daily", month),
    ):
        _execute(f"DELETE FROM {target}")
        _execute(
            f"""
            INSERT INTO {target} ({columns}, {period})
            SELECT {labels}, {sums}, MAX(currency), MAX(network_source), {expression}
            FROM {source} GROUP BY {labels}, {expression}
            """
        )


def downgrade() -> None:
    for table, period in TABLES:
        _merge_rows_of_one_name(table, period)
        op.drop_index(f"uq_{table}_idle", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_row", type_="unique")
            batch.create_unique_constraint(
                f"uq_{table}_row", ["cluster_id", "namespace", period, "team", "cost_center"]
            )
            for name in NEW_FIGURES:
                batch.drop_column(name)


def _merge_rows_of_one_name(table: str, period: str) -> None:
    """Rows of namespaces sharing a name in one period become one, under the newest id."""
    extra = ["price_sheet_id"] if table == "cost_hourly" else []
    key = ("org_id", "cluster_id", "namespace", "team", "cost_center", period)
    kept = ("namespace_id", *OLD_FIGURES, "currency", "network_source", *extra)
    merged = ", ".join(
        (
            *key,
            "MAX(namespace_id) AS namespace_id",
            *(f"SUM({name}) AS {name}" for name in OLD_FIGURES),
            "MAX(currency) AS currency",
            "MAX(network_source) AS network_source",
            *(f"MAX({name}) AS {name}" for name in extra),
        )
    )
    _execute(
        f"""
        CREATE TEMPORARY TABLE merged_rows AS SELECT {merged} FROM {table}
        GROUP BY {", ".join(key)} HAVING COUNT(*) > 1
        """
    )
    same = " AND ".join(f"m.{name} = {table}.{name}" for name in key)
    _execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM merged_rows AS m WHERE {same})")
    columns = ", ".join((*key, *kept))
    _execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM merged_rows")
    _execute("DROP TABLE merged_rows")
