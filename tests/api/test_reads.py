"""What each read route answers, in the wire format: RFC 3339 UTC times, units in field names,
money with its currency, never a credential."""

from __future__ import annotations

import pytest

from kube_console.api.schemas import rfc3339
from kube_console.costs.math import DAY, GIB, HOUR, ceil_day, floor_day, floor_hour
from kube_console.db import utcnow
from tests.api.conftest import SAMPLED_HOURS, Fleet, Org, shared_world_fixtures
from tests.api.routes import RFC3339_UTC, get

acme, rival, fleet = shared_world_fixtures()  # nothing here changes the seeded world


def names(page: dict) -> list[str]:
    return [item["name"] for item in page["items"]]


def test_clusters_list_with_filters(api, acme: Org, fleet: Fleet):
    page = get(api, "/clusters", acme.member)
    assert names(page) == ["lab", "prod", "stage"] and page["next_cursor"] is None
    prod = next(item for item in page["items"] if item["name"] == "prod")
    assert prod["currency"] == "USD" and prod["month_to_date_cost"] > 0
    assert RFC3339_UTC.match(prod["last_success_at"])
    assert names(get(api, "/clusters", acme.member, status="degraded")) == ["stage"]
    assert names(get(api, "/clusters", acme.member, environment="production")) == ["prod"]
    assert names(get(api, "/clusters", acme.member, provider="kind")) == ["lab"]


def test_a_clusters_namespaces_and_nodes(api, acme: Org, fleet: Fleet):
    namespaces = get(api, f"/clusters/{fleet.acme.cluster.id}/namespaces", acme.member)
    assert names(namespaces) == ["empty", "search", "shop"]
    shop = namespaces["items"][2]
    assert (shop["team"], shop["pods_total"], shop["pods_running"]) == ("web", 5, 4)
    assert shop["cpu_request_cores"] == 0.75 and shop["memory_request_bytes"] == 3 * GIB
    assert shop["currency"] == "USD" and shop["month_to_date_cost"] > 0
    assert names(
        get(api, f"/clusters/{fleet.acme.cluster.id}/namespaces", acme.member, team="data")
    ) == ["search"]
    nodes = get(api, f"/clusters/{fleet.acme.cluster.id}/nodes", acme.member)
    assert names(nodes) == ["p1", "p2", "p3"]
    p1 = nodes["items"][0]
    assert (p1["status"], p1["allocatable_cpu_cores"], p1["cpu_requested_cores"], p1["pods"]) == (
        "Ready",
        4.0,
        0.75,
        4,
    )
    assert p1["cpu_requested_ratio"] == pytest.approx(0.1875)
    assert nodes["items"][2]["status"] == "NotReady"


def test_deployments_their_details_and_pods(api, acme: Org, fleet: Fleet):
    deployments = get(api, f"/namespaces/{fleet.acme.shop.id}/deployments", acme.member)
    assert names(deployments) == ["api", "web", "worker"]
    assert {item["kind"] for item in deployments["items"]} == {"Deployment"}
    assert names(
        get(api, f"/namespaces/{fleet.acme.shop.id}/deployments", acme.member, kind="StatefulSet")
    ) == ["db"]
    detail = get(api, f"/deployments/{fleet.acme.deployment.id}", acme.member)
    assert (detail["name"], detail["health"], detail["pods_total"], detail["pods_running"]) == (
        "web",
        "healthy",
        3,
        3,
    )
    assert detail["containers"] == [
        {
            "name": "app",
            "image": "shop:1",
            "cpu_request_cores": 0.25,
            "memory_request_bytes": GIB,
            "cpu_limit_cores": None,
            "memory_limit_bytes": None,
        }
    ]
    share = detail["cost_share"]
    assert (
        share["currency"] == "USD" and share["namespace_cost"] > 0 and 0 < share["cpu_share"] <= 1
    )
    pods = get(api, f"/deployments/{fleet.acme.deployment.id}/pods", acme.member)
    assert names(pods) == ["web-0", "web-1", "web-2"]


def test_a_namespaces_pods_and_a_pods_details(api, acme: Org, fleet: Fleet):
    pods = get(api, f"/namespaces/{fleet.acme.shop.id}/pods", acme.member)
    assert names(pods) == ["db-0", "job-x", "web-0", "web-1", "web-2"]
    assert names(
        get(api, f"/namespaces/{fleet.acme.shop.id}/pods", acme.member, phase="Succeeded")
    ) == ["job-x"]
    assert names(get(api, f"/namespaces/{fleet.acme.shop.id}/pods", acme.member, node="p2")) == [
        "db-0"
    ]
    web_2 = fleet.acme.pods[2]
    detail = get(api, f"/pods/{web_2.id}", acme.member)
    assert (
        detail["name"],
        detail["restarts"],
        detail["workload_kind"],
        detail["workload_name"],
    ) == ("web-2", 2, "Deployment", "web")
    assert (
        detail["containers"][0]["name"] == "app"
        and detail["containers"][0]["memory_request_bytes"] == GIB
    )


def test_helm_releases_with_filters(api, acme: Org, fleet: Fleet):
    assert names(get(api, "/helm/releases", acme.member)) == [
        "broken",
        "opensearch",
        "redis",
        "shop",
    ]
    assert names(get(api, "/helm/releases", acme.member, status="failed")) == ["broken"]
    assert names(get(api, "/helm/releases", acme.member, namespace="search")) == ["opensearch"]
    assert (
        names(get(api, "/helm/releases", acme.member, cluster_id=fleet.acme.other_cluster.id)) == []
    )
    release = get(api, "/helm/releases", acme.member, namespace="shop", status="deployed")["items"][
        0
    ]
    assert (release["chart"], release["chart_version"], release["revision"]) == (
        "redis",
        "1.0.0",
        2,
    )


def test_usage_over_time(api, acme: Org, fleet: Fleet):
    cluster = get(api, f"/metrics/cluster/{fleet.acme.cluster.id}", acme.member, window="7d")
    assert (cluster["window"], cluster["bucket_seconds"], len(cluster["points"])) == (
        "7d",
        3600,
        168,
    )
    assert cluster["network_known"] is False
    sampled = [point for point in cluster["points"] if point["cpu_capacity_cores"] is not None]
    assert len(sampled) == SAMPLED_HOURS
    assert {point["cpu_capacity_cores"] for point in sampled} == {4.0}
    assert {point["cpu_requested_cores"] for point in sampled} == {3.0}  # shop 1 + search 2
    assert all(RFC3339_UTC.match(point["time"]) for point in cluster["points"])
    namespace = get(api, f"/metrics/namespace/{fleet.acme.shop.id}", acme.member)
    assert (namespace["window"], namespace["bucket_seconds"], len(namespace["points"])) == (
        "24h",
        300,
        288,
    )
    assert {
        point["cpu_usage_cores"] for point in namespace["points"] if point["cpu_request_cores"]
    } == {0.5}


def test_workers_status_for_admins(api, acme: Org, fleet: Fleet):
    status = get(api, "/workers/status", acme.admin)
    assert [cluster["name"] for cluster in status["clusters"]] == ["lab", "prod", "stage"]
    assert status["recent_runs"][0]["id"] == fleet.acme.run.id
    assert status["processes"] == [] and status["sync_interval_seconds"] == 0  # no worker runs


def test_a_run(api, acme: Org, fleet: Fleet):
    run = get(api, f"/runs/{fleet.acme.run.id}", acme.member)
    assert (run["job"], run["status"], run["cluster_id"]) == (
        "sync_cluster",
        "succeeded",
        fleet.acme.cluster.id,
    )
    assert RFC3339_UTC.match(run["requested_at"]) and run["finished_at"] is None


def test_cost_report(api, acme: Org, fleet: Fleet):
    report = get(api, "/costs", acme.member, window="7d", group_by=["team", "cluster"])
    assert report["currency"] == "USD" and report["group_by"] == ["team", "cluster"]
    assert {group["label"] for group in report["groups"]} == {
        "web · prod",
        "data · prod",
        "Idle · prod",
    }
    assert report["total_cost"] == pytest.approx(
        sum(group["total_cost"] for group in report["groups"])
    )
    web = next(group for group in report["groups"] if group["label"] == "web · prod")
    # 1 core at $0.04 and 2 GiB at $0.005 an hour, for each sampled hour
    assert web["total_cost"] == pytest.approx(SAMPLED_HOURS * (0.04 + 0.01))
    assert web["math"]["cpu"]["allocated_core_hours"] == pytest.approx(SAMPLED_HOURS)
    assert web["math"]["memory"]["allocated_gib_hours"] == pytest.approx(2 * SAMPLED_HOURS)
    assert web["math"]["cpu"]["price_per_core_hour"] == pytest.approx(0.04)
    # Whole days to the one holding the last closed hour: 7, or 6 just after midnight.
    assert report["buckets"][-1] == rfc3339(ceil_day(floor_hour(utcnow())) - DAY)
    assert len(report["buckets"]) in (6, 7) and all(
        RFC3339_UTC.match(bucket) for bucket in report["buckets"]
    )
    shared = get(api, "/costs", acme.member, window="7d", idle="share", team=["web"])
    # By namespace, the default: a namespace of a cluster, shown with its cluster.
    assert shared["group_by"] == ["namespace"]
    assert shared["dimensions"] == ["namespace", "cluster"]
    [shop] = shared["groups"]
    assert (shop["label"], shop["values"]) == (
        "shop · prod",
        {"namespace": "shop", "cluster": "prod"},
    )
    assert shop["key"] == f"namespace=shop|cluster={fleet.acme.cluster.id}"
    assert shop["idle_share_cost"] > 0
    assert (shop["cpu_efficiency"], shop["cpu_usage_data_share"]) == (pytest.approx(0.5), 1.0)


def test_namespace_cost_breakdown(api, acme: Org, fleet: Fleet):
    hourly = get(api, f"/namespaces/{fleet.acme.shop.id}/costs", acme.member, step="hour")
    assert len(hourly["buckets"]) == 48 and hourly["currency"] == "USD"
    costed = [bucket for bucket in hourly["buckets"] if bucket["total_cost"]]
    assert len(costed) == SAMPLED_HOURS
    assert [bucket["cpu_cost"] for bucket in costed] == [pytest.approx(0.04)] * SAMPLED_HOURS
    assert hourly["window_cost"] == pytest.approx(SAMPLED_HOURS * 0.05)
    closed = floor_hour(fleet.now)
    last_three = get(
        api,
        f"/namespaces/{fleet.acme.shop.id}/costs",
        acme.member,
        step="hour",
        **{"from": rfc3339(closed - 3 * HOUR), "to": rfc3339(closed)},
    )
    assert [bucket["start"] for bucket in last_three["buckets"]] == [
        rfc3339(closed - n * HOUR) for n in (3, 2, 1)
    ]
    assert (last_three["start"], last_three["end"]) == (rfc3339(closed - 3 * HOUR), rfc3339(closed))
    assert last_three["window_cost"] == pytest.approx(3 * 0.05)
    since_yesterday = get(
        api,
        f"/namespaces/{fleet.acme.shop.id}/costs",
        acme.member,
        step="day",
        **{"from": (floor_day(fleet.now) - DAY).date().isoformat()},
    )
    assert since_yesterday["buckets"][0]["start"] == rfc3339(floor_day(fleet.now) - DAY)
    assert since_yesterday["window_cost"] == pytest.approx(SAMPLED_HOURS * 0.05)
