"""Requests an attacker with a read token would send: a window of ten thousand years, times at
the edges of the calendar, cursors holding numbers no database column can. Each is refused
early and by name, without the server allocating in proportion to what it was asked for
(test_csv_injection.py has the labels written as formulas)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest

from kube_console.costs.math import add_months, floor_month
from kube_console.services import paging
from tests.api.conftest import PREFIX, Fleet, Org, shared_world_fixtures

acme, rival, fleet = shared_world_fixtures()  # nothing here changes the seeded world

# What handling one refused request may allocate at its peak; building every hour since year 1
# took 949 MiB. A request's own machinery (routing, the token check, a session) fits in this.
REFUSAL_PEAK_BYTES = 4 * 2**20


def peak_allocation(call: Callable[[], object]) -> tuple[object, int]:
    """`call()` and the most memory Python held for it at once, in bytes (every thread)."""
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def refusal(reply) -> dict[str, str]:
    """{field: message} of a 422."""
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    details = error.get("details") or [{"field": error["field"], "message": error["message"]}]
    return {
        detail["field"]: detail["message"].removeprefix(f"{detail['field']}: ")
        for detail in details
    }


def test_a_window_of_ten_thousand_years_is_refused_by_name_before_anything_is_built(
    api, acme: Org, fleet: Fleet
):
    params = {"window": "custom", "from": "0001-01-01", "to": "9999-12-31", "step": "hour"}
    api.get(f"{PREFIX}/costs", headers=acme.member, params={"window": "24h"})  # warm the app up

    reply, peak = peak_allocation(
        lambda: api.get(f"{PREFIX}/costs", headers=acme.member, params=params)
    )

    assert peak < REFUSAL_PEAK_BYTES, f"{peak / 2**20:.1f} MiB"
    fields = refusal(reply)
    assert set(fields) == {"from", "to"}
    assert "13 months" in fields["from"] and "ahead" in fields["to"]


def test_a_namespace_window_since_year_one_is_refused_by_name_before_anything_is_built(
    api, acme: Org, fleet: Fleet
):
    path = f"{PREFIX}/namespaces/{fleet.acme.shop.id}/costs"
    api.get(path, headers=acme.member)  # warm the app up
    params = {"step": "hour", "from": "0001-01-01T00:00:00Z"}

    reply, peak = peak_allocation(lambda: api.get(path, headers=acme.member, params=params))

    assert peak < REFUSAL_PEAK_BYTES, f"{peak / 2**20:.1f} MiB"
    assert set(refusal(reply)) == {"from"}


@pytest.mark.parametrize(
    ("bounds", "field"),
    [
        ({"from": "0001-01-01T00:00:00+05:00"}, "from"),  # before year 1 in UTC
        ({"from": "2026-01-01", "to": "9999-12-31T23:00:00-05:00"}, "to"),  # after year 9999
        ({"from": "2026-01-01", "to": "9999-12-31"}, "to"),  # its month would end in year 10000
    ],
)
@pytest.mark.parametrize("step", ["hour", "day", "month"])
def test_times_at_the_edges_of_the_calendar_are_refused_not_a_server_error(
    api, acme: Org, fleet: Fleet, bounds: dict, field: str, step: str
):
    for path, params in (
        ("/costs", {"window": "custom", "to": fleet.now.isoformat(), **bounds}),
        (f"/namespaces/{fleet.acme.shop.id}/costs", bounds),
    ):
        reply = api.get(PREFIX + path, headers=acme.member, params={**params, "step": step})
        assert field in refusal(reply), (path, step)


def test_a_window_within_the_kept_months_but_too_fine_names_its_step(api, acme: Org, fleet: Fleet):
    start = add_months(floor_month(fleet.now), -2).date().isoformat()
    for path, params in (
        ("/costs", {"window": "custom", "from": start, "to": fleet.now.isoformat()}),
        (f"/namespaces/{fleet.acme.shop.id}/costs", {"from": start}),
    ):
        reply = api.get(PREFIX + path, headers=acme.member, params={**params, "step": "hour"})
        assert refusal(reply) == {"step": "too many hours in this window; choose a coarser step"}
        by_day = api.get(PREFIX + path, headers=acme.member, params={**params, "step": "day"})
        assert by_day.status_code == 200, by_day.text


def test_the_oldest_kept_month_and_the_rest_of_this_one_can_be_asked_for(
    api, acme: Org, fleet: Fleet
):
    this_month = floor_month(fleet.now)
    params = {
        "window": "custom",
        "from": add_months(this_month, -12).date().isoformat(),
        "to": add_months(this_month, 1).date().isoformat(),
        "step": "month",
    }
    reply = api.get(f"{PREFIX}/costs", headers=acme.member, params=params)
    assert reply.status_code == 200, reply.text
    assert len(reply.json()["buckets"]) == 13


@pytest.mark.parametrize("row_id", [2**63, 2**64 - 1])
def test_a_cursor_holding_an_id_no_database_can_hold_names_cursor(
    api, acme: Org, fleet: Fleet, row_id: int
):
    forged = paging._encode_cursor(
        list_name="namespaces", sort="name", descending=False, kind="str", value="a", row_id=row_id
    )
    reply = api.get(
        f"{PREFIX}/clusters/{fleet.acme.cluster.id}/namespaces",
        headers=acme.member,
        params={"cursor": forged},
    )
    assert set(refusal(reply)) == {"cursor"}
