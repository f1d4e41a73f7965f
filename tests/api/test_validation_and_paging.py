"""Bad input is a 422 naming the field; every list pages by cursor, in a stable order, covering
every item exactly once."""

from __future__ import annotations

import pytest

from tests.api.conftest import PREFIX, Fleet, Org, shared_world_fixtures
from tests.api.routes import ID_ROUTES, LIST_ROUTES, ROUTES, Route, call

acme, rival, fleet = shared_world_fixtures()  # nothing here changes the seeded world


def assert_invalid(reply, field: str) -> dict:
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    assert (error["code"], error["field"]) == ("validation_failed", field), error
    assert error["message"].startswith(f"{field}: ")
    return error


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_pages_walk_every_item_once_in_a_stable_order(api, acme: Org, fleet: Fleet, route: Route):
    everything = call(api, route, fleet.acme, acme.member, limit=500).json()
    assert everything["next_cursor"] is None
    expected = [item["id"] for item in everything["items"]]
    assert len(expected) >= 3  # the fleet gives every list more than one page at limit=1
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = call(api, route, fleet.acme, acme.member, **params).json()
        assert len(page["items"]) <= 1
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages <= len(expected)
    assert seen == expected
    assert [item["name"] for item in everything["items"]] == sorted(
        item["name"] for item in everything["items"]
    )


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
@pytest.mark.parametrize("limit", ["0", "501", "-1", "many"])
def test_a_limit_outside_1_to_500_names_limit(
    api, acme: Org, fleet: Fleet, route: Route, limit: str
):
    assert_invalid(call(api, route, fleet.acme, acme.member, limit=limit), "limit")


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_a_cursor_not_handed_out_by_this_list_names_cursor(
    api, acme: Org, fleet: Fleet, route: Route
):
    assert_invalid(call(api, route, fleet.acme, acme.member, cursor="not-a-cursor"), "cursor")
    other = next(
        other
        for other in LIST_ROUTES
        if other.template.split("/")[-1] != route.template.split("/")[-1]
    )
    foreign = call(api, other, fleet.acme, acme.member, limit=1).json()["next_cursor"]
    assert_invalid(call(api, route, fleet.acme, acme.member, cursor=foreign), "cursor")


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "1.5", "2147483648"])
def test_a_malformed_id_names_id(api, acme: Org, route: Route, bad_id: str):
    path = route.path_with_id(999_999).replace("/999999", f"/{bad_id}")
    assert_invalid(api.request(route.method, path, headers=acme.admin, json=route.body), "id")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_route_names_a_parameter_it_does_not_take(api, acme: Org, fleet: Fleet, route: Route):
    error = assert_invalid(call(api, route, fleet.acme, acme.admin, colour="red"), "colour")
    assert "is not a parameter of this route" in error["message"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/clusters", {"status": "sleepy"}, "status"),
        ("/clusters", {"environment": "moon"}, "environment"),
        ("/namespaces/{ns}/costs", {"step": "week"}, "step"),
        ("/namespaces/{ns}/costs", {"format": "xml"}, "format"),
        ("/namespaces/{ns}/costs", {"from": "yesterday"}, "from"),
        ("/namespaces/{ns}/costs", {"to": "2026-01-01"}, "from"),  # a window needs its start
        ("/namespaces/{ns}/costs", {"from": "2026-03-02", "to": "2026-03-01"}, "to"),
        (
            "/namespaces/{ns}/costs",
            {"step": "hour", "from": "2020-01-01"},
            "from",
        ),  # before the months the costs are kept (too many hours: test_hostile_requests.py)
        ("/namespaces/{ns}/deployments", {"kind": "CronJob"}, "kind"),
        ("/namespaces/{ns}/pods", {"phase": "Sleeping"}, "phase"),
        ("/metrics/cluster/{cluster}", {"window": "30d"}, "window"),
        ("/metrics/namespace/{ns}", {"window": "1h"}, "window"),
        ("/costs", {"window": "1y"}, "window"),
        ("/costs", {"step": "week"}, "step"),
        ("/costs", {"idle": "ignore"}, "idle"),
        ("/costs", {"group_by": ["pod"]}, "group_by.0"),
        ("/costs", {"group_by": ["team", "team"]}, "group_by"),
        ("/costs", {"group_by": ["team", "cluster", "namespace"]}, "group_by"),
        ("/costs", {"window": "custom"}, "from"),
        ("/costs", {"from": "2026-03-01"}, "window"),
        ("/clusters", {"environmnet": "staging"}, "environmnet"),
        ("/clusters/{cluster}/nodes", {"limit": [1, 2]}, "limit"),
        ("/costs", {"window": "custom", "from": "2026-03-01", "to": "soon"}, "to"),
        ("/costs", {"cluster_id": "x"}, "cluster_id.0"),
        ("/costs", {"series_limit": 0}, "series_limit"),
        ("/costs", {"format": "pdf"}, "format"),
        ("/helm/releases", {"cluster_id": 0}, "cluster_id"),
    ],
)
def test_bad_parameters_name_their_field(
    api, acme: Org, fleet: Fleet, path: str, params: dict, field: str
):
    path = path.format(ns=fleet.acme.shop.id, cluster=fleet.acme.cluster.id)
    assert_invalid(api.get(PREFIX + path, headers=acme.member, params=params), field)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/helm/releases?status=fai%00led", "status"),
        ("/namespaces/{ns}/pods?node=%00", "node"),
        ("/clusters?provider=e%00ks", "provider"),
        ("/costs?team=web&team=w%00eb", "team"),
    ],
)
def test_a_nul_character_in_a_value_is_refused_by_name(
    api, acme: Org, fleet: Fleet, path: str, field: str
):
    """PostgreSQL can't compare text holding NUL: without this check it was a 500 there."""
    path = path.format(ns=fleet.acme.shop.id)
    error = assert_invalid(api.get(PREFIX + path, headers=acme.member), field)
    assert "NUL" in error["message"]


def test_several_bad_fields_are_all_listed(api, acme: Org):
    error = assert_invalid(
        api.get(
            f"{PREFIX}/costs",
            headers=acme.member,
            params={"window": "custom", "from": "x", "to": "y"},
        ),
        "from",
    )
    assert [detail["field"] for detail in error["details"]] == ["from", "to"]
