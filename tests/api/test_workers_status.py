"""`/workers/status` shows an org admin the worker processes with only their own clusters
under them; nothing of another organization: no cluster, no run, no count, no fleet figure."""

from __future__ import annotations

from sqlmodel import Session

from tests.api.conftest import Fleet, Org
from tests.api.routes import get
from tests.support.two_tenant_workers import FLEET_FIGURE, LEADER, OTHER, seed_shared_workers


def test_an_admin_of_one_org_sees_nothing_of_another(
    api, session: Session, acme: Org, rival: Org, fleet: Fleet
):
    fleet.rival.other_cluster.name = "rival-stage"
    seen = seed_shared_workers(
        session, mine=fleet.acme.cluster, theirs=[fleet.rival.cluster, fleet.rival.other_cluster]
    )

    status = get(api, "/workers/status", acme.admin)

    processes = {process["name"]: process for process in status["processes"]}
    assert list(processes) == [LEADER, OTHER]  # the leader first
    assert processes[LEADER]["leader"] and processes[LEADER]["alive"]
    assert (
        processes[LEADER]["clusters"],
        processes[LEADER]["clusters_count"],
        processes[LEADER]["syncing_now"],
    ) == (
        ["prod"],
        1,
        1,
    )
    assert (
        processes[OTHER]["clusters"],
        processes[OTHER]["clusters_count"],
        processes[OTHER]["syncing_now"],
    ) == (
        [],
        0,
        0,
    )
    assert {cluster["name"] for cluster in status["clusters"]} == {"lab", "prod", "stage"}
    prod = next(cluster for cluster in status["clusters"] if cluster["name"] == "prod")
    assert (prod["synced_by"], prod["syncing"], prod["last_sync_duration_ms"]) == (
        LEADER,
        True,
        812.5,
    )
    assert prod["next_sync_at"].endswith("Z")
    assert [run["id"] for run in status["recent_runs"]] == [fleet.acme.run.id]

    body = str(status)
    assert "rival-stage" not in body and str(FLEET_FIGURE) not in body
    assert all(
        run["id"] not in (seen.cost_run.id, seen.their_run.id) for run in status["recent_runs"]
    )
    assert not {"stats", "clusters_claimed", "syncs_failed"} & (
        set(status) | set(processes[LEADER])
    )

    # The rival's admin sees the same processes with their own clusters under them.
    theirs = {
        process["name"]: process
        for process in get(api, "/workers/status", rival.admin)["processes"]
    }
    assert (theirs[LEADER]["clusters_count"], theirs[OTHER]["clusters"]) == (1, ["rival-stage"])
