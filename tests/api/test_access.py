"""Who may call what: 401 without a valid token, 403 for a member (or an admin's read token) on
admin routes, 404 for another organization's ids on every id route, and the token bookkeeping."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kube_console.models import Cluster, WorkerRun
from tests.api.conftest import PREFIX, Fleet, Org, shared_world_fixtures
from tests.api.routes import ADMIN_ROUTES, ID_ROUTES, ROUTES, Route, assert_error, call

acme, rival, fleet = shared_world_fixtures()  # nothing here changes the seeded world


def test_the_route_table_covers_every_operation_in_the_spec(api):
    spec = api.get("/api/v1/openapi.json").json()
    operations = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert {route.spec_key for route in ROUTES} == operations
    assert len(operations) == 21  # the 19 of the issue, the cost query and the run status


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("credentials", ["none", "unknown", "revoked", "not bearer"])
def test_every_route_needs_a_valid_token(
    api, acme: Org, fleet: Fleet, route: Route, credentials: str
):
    headers = {
        "none": {},
        "unknown": {"Authorization": "Bearer kct_not-a-token"},
        "revoked": acme.revoked,
        "not bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    }[credentials]
    reply = call(api, route, fleet.acme, headers)
    assert_error(reply, 401, "not_authenticated")
    assert reply.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=str)
@pytest.mark.parametrize("token", ["member", "admin_read"])
def test_admin_routes_refuse_read_tokens(
    api, db: Session, acme: Org, fleet: Fleet, route: Route, token: str
):
    before = db.exec(select(Cluster.id, Cluster.name).order_by(Cluster.id)).all()
    reply = call(api, route, fleet.acme, getattr(acme, token))
    assert "admin role" in assert_error(reply, 403, "forbidden")["message"]
    db.expire_all()
    assert db.exec(select(Cluster.id, Cluster.name).order_by(Cluster.id)).all() == before
    assert (
        db.exec(
            select(WorkerRun).where(WorkerRun.trigger == "api", WorkerRun.status == "queued")
        ).all()
        == []
    )


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_another_orgs_ids_are_not_found(api, db: Session, acme: Org, fleet: Fleet, route: Route):
    """With an admin token, so a 404 can't be a 403 in disguise; and nothing of theirs changes."""
    before = db.exec(select(Cluster.id, Cluster.name).order_by(Cluster.id)).all()
    reply = call(api, route, fleet.rival, acme.admin)
    assert_error(reply, 404, "not_found")
    db.expire_all()
    assert db.exec(select(Cluster.id, Cluster.name).order_by(Cluster.id)).all() == before


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_ids_that_never_existed_are_not_found_the_same_way(
    api, acme: Org, fleet: Fleet, route: Route
):
    reply = api.request(
        route.method, route.path_with_id(999_999), headers=acme.admin, json=route.body
    )
    assert_error(reply, 404, "not_found")


def test_filtering_by_another_orgs_cluster_is_not_found(api, acme: Org, fleet: Fleet):
    reply = api.get(
        f"{PREFIX}/helm/releases",
        params={"cluster_id": fleet.rival.cluster.id},
        headers=acme.member,
    )
    assert_error(reply, 404, "not_found")


def test_costs_filtered_by_another_orgs_cluster_show_nothing_of_it(api, acme: Org, fleet: Fleet):
    reply = api.get(
        f"{PREFIX}/costs", params={"cluster_id": fleet.rival.cluster.id}, headers=acme.member
    )
    assert reply.status_code == 200
    assert reply.json()["groups"] == [] and reply.json()["total_cost"] == 0.0


def test_lists_hold_only_the_callers_organization(api, acme: Org, rival: Org, fleet: Fleet):
    mine = api.get(f"{PREFIX}/clusters", headers=acme.member).json()["items"]
    theirs = api.get(f"{PREFIX}/clusters", headers=rival.member).json()["items"]
    assert {item["id"] for item in mine} == {
        fleet.acme.cluster.id,
        fleet.acme.other_cluster.id,
        fleet.acme.cluster.id + 2,
    }
    assert not {item["id"] for item in mine} & {item["id"] for item in theirs}
    releases = api.get(f"{PREFIX}/helm/releases", headers=acme.member).json()["items"]
    assert {item["cluster_id"] for item in releases} == {fleet.acme.cluster.id}


def test_unknown_routes_and_methods_use_the_error_shape(api, acme: Org):
    assert_error(api.get(f"{PREFIX}/nope", headers=acme.member), 404, "not_found")
    assert_error(api.get("/api/v1/nope"), 404, "not_found")
    reply = api.put(f"{PREFIX}/clusters", headers=acme.member)
    assert_error(reply, 405, "method_not_allowed")
    assert set(reply.headers["allow"].split(", ")) == {"GET", "POST"}


def test_the_spec_and_docs_are_served_without_a_cdn(api):
    spec = api.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.")
    assert spec.json()["servers"] == [{"url": "/api/v1"}]
    assert spec.json()["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"
    docs = api.get("/api/v1/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text
    assert "/api/v1/openapi.json" in docs.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"):
        assert api.get(f"/api/v1/docs/assets/{asset}").status_code == 200
