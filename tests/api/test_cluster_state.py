"""Cluster reads that need the cluster's row set up first: what a details page shows of the
credential, and the health the last sync recorded."""

from __future__ import annotations

from kube_console.costs.math import GIB
from tests.api.conftest import PREFIX, Fleet, Org
from tests.api.routes import RFC3339_UTC, get


def test_cluster_details_never_show_the_credential(api, session, acme: Org, fleet: Fleet):
    cluster = fleet.acme.cluster
    cluster.credential_ciphertext, cluster.credential_key_id = b"secret-ciphertext", "k1"
    cluster.server_host, cluster.credential_user, cluster.credential_kind = (
        "api.example.com",
        "reader",
        "token",
    )
    session.add(cluster)
    session.commit()
    reply = api.get(f"{PREFIX}/clusters/{cluster.id}", headers=acme.member)
    detail = reply.json()
    assert (
        "secret" not in reply.text
        and "ciphertext" not in reply.text
        and "credential_key_id" not in detail
    )
    assert (detail["server_host"], detail["credential_user"], detail["credential_kind"]) == (
        "api.example.com",
        "reader",
        "token",
    )
    assert (detail["name"], detail["environment"], detail["provider"]) == (
        "prod",
        "production",
        "eks",
    )
    assert detail["cpu_allocatable_cores"] == 12.0  # p1 4 + p2 8 + p3 0
    assert detail["memory_requested_bytes"] == 3 * GIB  # web-0..2 one GiB each; job-x has finished
    assert detail["currency"] == "USD" and detail["month_to_date_cost"] > 0
    assert detail["certificate_expires_at"] is None and detail["last_sync_at"] is None


def test_cluster_health(api, session, acme: Org, fleet: Fleet):
    cluster = fleet.acme.cluster
    cluster.health = {
        "ok": True,
        "endpoint": "/readyz",
        "checks": [{"name": "etcd", "ok": True}],
        "problems": {"pods": "timed out"},
    }
    cluster.api_latency_ms = 12.5
    session.add(cluster)
    session.commit()
    health = get(api, f"/clusters/{cluster.id}/health", acme.member)
    assert health == {
        "cluster_id": cluster.id,
        "status": "healthy",
        "ok": True,
        "endpoint": "/readyz",
        "components": [{"name": "etcd", "ok": True}],
        "problems": {"pods": "timed out"},
        "api_latency_ms": 12.5,
        "metrics_available": False,
        "last_sync_at": None,
        "last_success_at": health["last_success_at"],
        "last_error": "",
    }
    assert RFC3339_UTC.match(health["last_success_at"])
