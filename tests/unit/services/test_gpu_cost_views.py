"""GPU as its own resource in the cost views: the report, its math, the CSV and a namespace's
breakdown, from cost rows written as the engine writes them (the figures are worked by hand).

Cluster "gpu", 2 hours (3 Mar 04:00-06:00 UTC), read at 06:30, gpu price $2.10 per GPU-hour:
  train  team ml: 1 GPU requested → 1 GPU-hour $2.10, CPU $0.04, memory $0.01 an hour
  idle: 1 more GPU on the node → $2.10 an hour of idle GPU; CPU $0.08, memory $0.05
  with idle shared: train receives the idle GPU ($2.10) and the idle CPU and memory too
"""

import csv
import datetime as dt
import io

import pytest

from kube_console.costs.inventory_costs import namespace_cost_breakdown
from kube_console.costs.queries import cost_report, cost_table, export_csv
from kube_console.costs.records import CostQuery
from kube_console.models import IDLE_NAMESPACE, CostHourly

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 3, 6, 30, tzinfo=UTC)
HOURS = [dt.datetime(2026, 3, 3, hour, tzinfo=UTC) for hour in (4, 5)]
GPU_PRICE = 2.10


@pytest.fixture
def gpu_cluster(session, make):
    org = make.org()
    cluster = make.cluster(org, name="gpu")
    train = make.namespace(cluster, name="train")
    for hour in HOURS:
        session.add(
            CostHourly(
                org_id=org.id,
                cluster_id=cluster.id,
                namespace_id=train.id,
                namespace="train",
                team="ml",
                hour_start=hour,
                hours=1,
                covered_hours=1,
                cpu_request_core_hours=1,
                cpu_core_hours=1,
                memory_request_gib_hours=2,
                memory_gib_hours=2,
                gpu_hours=1,
                cpu_cost=0.04,
                memory_cost=0.01,
                gpu_cost=GPU_PRICE,
                total_cost=0.05 + GPU_PRICE,
                idle_cpu_share=0.08,
                idle_memory_share=0.05,
                idle_gpu_share=GPU_PRICE,
                idle_cpu_share_core_hours=2,
                idle_memory_share_gib_hours=10,
                idle_gpu_share_hours=1,
            )
        )
        session.add(
            CostHourly(
                org_id=org.id,
                cluster_id=cluster.id,
                namespace=IDLE_NAMESPACE,
                team=IDLE_NAMESPACE,
                cost_center=IDLE_NAMESPACE,
                hour_start=hour,
                hours=1,
                covered_hours=1,
                cpu_core_hours=2,
                memory_gib_hours=10,
                gpu_hours=1,
                cpu_cost=0.08,
                memory_cost=0.05,
                gpu_cost=GPU_PRICE,
                total_cost=0.13 + GPU_PRICE,
                idle_cpu_share=-0.08,
                idle_memory_share=-0.05,
                idle_gpu_share=-GPU_PRICE,
                idle_cpu_share_core_hours=-2,
                idle_memory_share_gib_hours=-10,
                idle_gpu_share_hours=-1,
            )
        )
    session.commit()
    return org, train


def _report(session, org, idle):
    query = CostQuery(window="24h", step="hour", group_by=("namespace",), idle=idle)
    return cost_report(session=session, org_id=org.id, query=query, now=NOW)


def test_the_report_has_gpu_cost_and_hours_per_group_and_in_its_totals(session, gpu_cluster):
    org, _ = gpu_cluster
    report = _report(session, org, "separate")
    groups = {group.label: group for group in report.groups}
    train, idle = groups["train · gpu"], groups["Idle · gpu"]
    assert (train.gpu_cost, train.gpu_hours) == (pytest.approx(4.20), pytest.approx(2))
    assert train.total_cost == pytest.approx(2 * (0.05 + GPU_PRICE))
    # Idle by resource: the GPU no namespace requested is idle GPU.
    assert (idle.gpu_cost, idle.gpu_hours) == (pytest.approx(4.20), pytest.approx(2))
    assert (report.gpu_cost, report.gpu_hours) == (pytest.approx(8.40), pytest.approx(4))
    assert report.total_cost == pytest.approx(2 * (0.05 + 0.13 + 2 * GPU_PRICE))
    gpu = next(line for line in train.math if line.resource == "gpu")
    # Averages are over the hours the cluster was costed (its two), not the view's 24.
    assert (gpu.unit, gpu.allocated, gpu.average_allocated) == ("GPU-hours", 2, pytest.approx(1.0))
    assert (gpu.price, gpu.cost, gpu.idle_share) == (
        pytest.approx(GPU_PRICE),
        pytest.approx(4.20),
        0.0,
    )


def test_idle_gpu_is_shared_onto_the_namespaces_that_use_gpus(session, gpu_cluster):
    org, _ = gpu_cluster
    report = _report(session, org, "share")
    [train] = report.groups  # the idle group gave everything away
    assert train.idle_share_cost == pytest.approx(2 * (0.08 + 0.05 + GPU_PRICE))
    assert train.total_cost == pytest.approx(2 * (0.05 + GPU_PRICE) + train.idle_share_cost)
    shares = {line.resource: line.idle_share for line in train.math}
    assert shares["gpu"] == pytest.approx(4.20)
    assert (shares["cpu"], shares["storage"]) == (pytest.approx(0.16), 0.0)


def test_the_csv_has_a_gpu_column_beside_the_other_resources(session, gpu_cluster):
    org, _ = gpu_cluster
    query = CostQuery(window="24h", step="hour", group_by=("namespace",), idle="separate")
    header, *rows = list(
        csv.reader(io.StringIO(export_csv(session=session, org_id=org.id, query=query, now=NOW)))
    )
    assert header == [
        "Namespace",
        "Cluster",
        "Cost (USD)",
        "Share %",
        "Previous (USD)",
        "Change %",
        "CPU",
        "Memory",
        "GPU",
        "Storage",
        "Network",
        "CPU efficiency %",
        "Memory efficiency %",
        "Coverage %",
        "Month-end forecast (USD)",
    ]
    gpu = header.index("GPU")
    by_label = {row[0]: row for row in rows}
    assert (by_label["train"][gpu], by_label["Idle"][gpu], by_label["Total"][gpu]) == (
        "4.20",
        "4.20",
        "8.40",
    )
    assert header == cost_table(_report(session, org, "separate")).columns


def test_a_namespaces_breakdown_has_its_gpu_cost(session, gpu_cluster):
    org, train = gpu_cluster
    breakdown = namespace_cost_breakdown(
        session=session, org_id=org.id, namespace_id=train.id, step="hour", now=NOW
    )
    assert breakdown.gpu_cost[-3:] == [pytest.approx(GPU_PRICE), pytest.approx(GPU_PRICE), 0.0]
    assert breakdown.window_cost == pytest.approx(2 * (0.05 + GPU_PRICE))
