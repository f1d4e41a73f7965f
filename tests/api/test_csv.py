"""format=csv gives the same figures as the JSON of the same query: a namespace's breakdown to the
last digit, the cost table as the costs page exports it (money to the cent, percentages to a
tenth)."""

from __future__ import annotations

import csv
import io

import pytest

from kube_console.api.schemas import rfc3339
from kube_console.costs.columns import FIGURE_COLUMNS
from kube_console.costs.math import HOUR, floor_hour
from tests.api.conftest import PREFIX, Fleet, Org, shared_world_fixtures

acme, rival, fleet = shared_world_fixtures()  # nothing here changes the seeded world


def fetch(api, path: str, headers, **params) -> tuple[dict, list[dict[str, str]]]:
    as_json = api.get(PREFIX + path, headers=headers, params=params)
    as_csv = api.get(PREFIX + path, headers=headers, params={**params, "format": "csv"})
    assert as_json.status_code == as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.headers["content-disposition"].startswith("attachment; filename=")
    return as_json.json(), list(csv.DictReader(io.StringIO(as_csv.text)))


@pytest.mark.parametrize("step", ["hour", "day", "month"])
def test_a_namespaces_breakdown_csv_holds_the_json_figures(api, acme: Org, fleet: Fleet, step: str):
    report, rows = fetch(api, f"/namespaces/{fleet.acme.shop.id}/costs", acme.member, step=step)
    assert len(rows) == len(report["buckets"]) > 0
    for row, bucket in zip(rows, report["buckets"], strict=True):
        assert row["bucket_start"] == bucket["start"]
        names = (
            "cpu_cost",
            "memory_cost",
            "gpu_cost",
            "storage_cost",
            "network_cost",
            "total_cost",
        )
        assert list(row) == ["bucket_start", *names, "currency"]
        for name in names:
            assert float(row[name]) == bucket[name]
        assert row["currency"] == report["currency"] == "USD"
    assert sum(float(row["total_cost"]) for row in rows) == pytest.approx(report["window_cost"])
    assert report["window_cost"] > 0


def test_a_custom_window_csv_too(api, acme: Org, fleet: Fleet):
    closed = floor_hour(fleet.now)
    window = {"step": "hour", "from": rfc3339(closed - 2 * HOUR), "to": rfc3339(closed)}
    report, rows = fetch(api, f"/namespaces/{fleet.acme.shop.id}/costs", acme.member, **window)
    assert [row["bucket_start"] for row in rows] == [
        bucket["start"] for bucket in report["buckets"]
    ]
    assert len(rows) == 2 and [float(row["total_cost"]) for row in rows] == [
        b["total_cost"] for b in report["buckets"]
    ]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _money(value: float) -> str:
    return f"{value:.2f}"


@pytest.mark.parametrize(
    "query",
    [
        {"window": "7d", "group_by": ["namespace"], "idle": "separate"},
        {"window": "30d", "group_by": ["team", "cluster"], "idle": "share"},
        {"window": "24h", "step": "hour", "group_by": ["cost_center"], "idle": "hide"},
        {"window": "7d", "group_by": ["namespace"], "team": ["web"]},
    ],
    ids=["by-namespace", "by-team-and-cluster-idle-shared", "24h-by-cost-center", "filtered"],
)
def test_the_cost_csv_is_the_pages_table_of_the_json_figures(
    api, acme: Org, fleet: Fleet, query: dict
):
    report, rows = fetch(api, "/costs", acme.member, **query)
    currency = report["currency"]
    titles = {
        "cluster": "Cluster",
        "namespace": "Namespace",
        "team": "Team",
        "cost_center": "Cost center",
    }
    assert len(rows) == len(report["groups"]) + 1 and report["groups"]
    shared = report["idle"] == "share"
    for row, group in zip(rows[:-1], report["groups"], strict=True):
        assert [row[titles[name]] for name in report["group_by"]] == [
            group["values"][name] for name in report["group_by"]
        ]
        assert row[f"Cost ({currency})"] == _money(group["total_cost"])
        assert row["Share %"] == _percent(group["share"])
        assert row[f"Previous ({currency})"] == _money(group["previous_cost"])
        assert row["Change %"] == _percent(group["change"])
        for column, name in (
            ("CPU", "cpu_cost"),
            ("Memory", "memory_cost"),
            ("GPU", "gpu_cost"),
            ("Storage", "storage_cost"),
            ("Network", "network_cost"),
        ):
            assert row[column] == _money(group[name])
        if shared:
            assert row["Idle share"] == _money(group["idle_share_cost"])
        assert row["CPU efficiency %"] == _percent(group["cpu_efficiency"])
        assert row["Memory efficiency %"] == _percent(group["memory_efficiency"])
        assert row["Coverage %"] == _percent(group["coverage"])
        assert row[f"Month-end forecast ({currency})"] == _money(group["forecast_cost"])
    total = rows[-1]
    assert total[titles[report["group_by"][0]]] == "Total"
    assert total[f"Cost ({currency})"] == _money(report["total_cost"])
    assert total[f"Month-end forecast ({currency})"] == _money(report["forecast_cost"])
    assert total["CPU"] == _money(sum(group["cpu_cost"] for group in report["groups"]))
    for column, name in (("CPU", "cpu_cost"), ("GPU", "gpu_cost"), ("Network", "network_cost")):
        assert total[column] == _money(report[name])


def test_every_column_of_the_cost_table_is_a_field_of_the_api_groups_and_totals(api):
    """One column spec renders the page, the CSV and the API: each figure it shows is a field
    of a group and of the report's totals in the published schema, GPU included."""
    schemas = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    group = schemas["CostGroupModel"]["properties"]
    report = schemas["CostReportModel"]["properties"]
    for column in FIGURE_COLUMNS:
        assert column.field in group, column.key
        assert column.field in report or column.kind == "share", column.key
    assert {"gpu_cost", "gpu_hours"} <= set(group) & set(report)
    assert set(schemas["CostMath"]["properties"]) >= {"cpu", "memory", "gpu", "storage", "network"}
    assert "gpu_cost" in schemas["NamespaceCostBucket"]["properties"]
