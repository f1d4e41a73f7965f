"""The pagination every list shares: page numbers with totals, keyset cursors, limits and sorts."""

import base64
import datetime as dt

import orjson
import pytest
from sqlalchemy import update

from kube_console.errors import ValidationFailed
from kube_console.models import Pod
from kube_console.services.explore import list_pods, list_workloads
from kube_console.services.paging import MAX_LIMIT, MAX_PAGE, PageRequest

UTC = dt.UTC


@pytest.fixture
def seven_pods(session, make):
    org = make.org()
    cluster = make.cluster(org)
    shop = make.namespace(cluster, name="shop")
    # Restarts repeat so sorting by them needs the id to break ties.
    for index, name in enumerate(["pod-a", "pod-b", "pod-c", "pod-d", "pod-e", "pod-f", "pod-g"]):
        make.pod(
            shop,
            name=name,
            restarts=index % 3,
            created_at=dt.datetime(2026, 3, 1, index, tzinfo=UTC),
        )
    return org


def pods(session, org, **request):
    return list_pods(session=session, org_id=org.id, request=PageRequest(**request))


def names(page):
    return [row.name for row in page.rows]


def walk(session, org, **request):
    """Every row, page after page, following the cursors (only the first page is counted)."""
    seen, cursor = [], ""
    while True:
        page = pods(session, org, cursor=cursor, **request)
        assert (page.total is None, page.page) == ((True, 0) if cursor else (False, 1))
        seen += names(page)
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_page_numbers_count_and_cut_the_sorted_rows(session, seven_pods):
    first = pods(session, seven_pods, limit=3)
    assert (names(first), first.total, first.page, first.limit, first.sort) == (
        ["pod-a", "pod-b", "pod-c"],
        7,
        1,
        3,
        "name",
    )
    assert names(pods(session, seven_pods, limit=3, page=2)) == ["pod-d", "pod-e", "pod-f"]
    last = pods(session, seven_pods, limit=3, page=3)
    assert (names(last), last.next_cursor) == (["pod-g"], "")
    beyond = pods(session, seven_pods, limit=3, page=9)
    assert (beyond.rows, beyond.total, beyond.next_cursor) == ([], 7, "")


def test_an_exact_multiple_of_the_limit_ends_without_a_cursor(session, seven_pods):
    second = pods(session, seven_pods, limit=7)
    assert (len(second.rows), second.next_cursor) == (7, "")
    assert walk(session, seven_pods, limit=7) == [
        "pod-a",
        "pod-b",
        "pod-c",
        "pod-d",
        "pod-e",
        "pod-f",
        "pod-g",
    ]


def test_an_empty_list_is_one_empty_page(session, make):
    org = make.org()
    page = pods(session, org)
    assert (page.rows, page.total, page.next_cursor) == ([], 0, "")
    assert walk(session, org) == []


def test_cursors_walk_every_row_once_in_both_directions_and_on_ties(session, seven_pods):
    everything = ["pod-a", "pod-b", "pod-c", "pod-d", "pod-e", "pod-f", "pod-g"]
    assert walk(session, seven_pods, limit=2) == everything
    assert walk(session, seven_pods, limit=2, descending=True) == everything[::-1]
    by_restarts = walk(session, seven_pods, limit=2, sort="restarts")
    assert by_restarts == ["pod-a", "pod-d", "pod-g", "pod-b", "pod-e", "pod-c", "pod-f"]
    assert walk(session, seven_pods, limit=3, sort="restarts", descending=True) == by_restarts[::-1]
    assert walk(session, seven_pods, limit=3, sort="age", descending=True) == everything[::-1]


def test_a_cursor_skips_nothing_when_earlier_rows_go(session, seven_pods):
    first = pods(session, seven_pods, limit=3)
    session.execute(
        update(Pod)
        .where(Pod.name.in_(["pod-a", "pod-b"]))
        .values(deleted_at=dt.datetime(2026, 3, 2, tzinfo=UTC))
    )
    session.commit()
    assert names(pods(session, seven_pods, limit=3, cursor=first.next_cursor)) == [
        "pod-d",
        "pod-e",
        "pod-f",
    ]


def test_limits_are_clamped(session, seven_pods):
    assert pods(session, seven_pods, limit=10_000).limit == MAX_LIMIT
    one = pods(session, seven_pods, limit=0)
    assert (one.limit, names(one)) == (1, ["pod-a"])
    assert pods(session, seven_pods, page=-4).page == 1


def test_a_page_number_beyond_any_list_is_refused_by_name(session, seven_pods):
    assert pods(session, seven_pods, page=MAX_PAGE).rows == []
    for page in (MAX_PAGE + 1, 10**30):  # as an offset, 10**30 overflowed the database
        with pytest.raises(ValidationFailed) as failure:
            pods(session, seven_pods, page=page)
        assert list(failure.value.by_field()) == ["page"]


def test_a_sort_outside_the_whitelist_is_refused(session, seven_pods):
    with pytest.raises(ValidationFailed) as failure:
        pods(session, seven_pods, sort="name; DROP TABLE pods")
    assert "sort" in failure.value.by_field()


def _forged(payload) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "e30",  # {}
        _forged([1, "pods", "name", False, 17, 3]),  # a number where a name belongs
        _forged([1, "pods", "name", False, "pod-b", "3"]),
        _forged([2, "pods", "name", False, "pod-b", 3]),
        _forged([1, "workloads", "name", False, "pod-b", 3]),
        _forged([1, "pods", "age", False, "yesterday", 3]),
        _forged([1, "pods", "age", False, "2026-03-01T00:00:00", 3]),  # no zone
        _forged([1, "pods", "name", False, "pod-b", 2**63]),  # no 64-bit id
        _forged([1, "pods", "restarts", False, 2**64 - 1, 3]),  # no 64-bit count
    ],
)
def test_a_malformed_or_foreign_cursor_is_refused_by_name(session, seven_pods, cursor):
    with pytest.raises(ValidationFailed) as failure:
        pods(session, seven_pods, cursor=cursor)
    assert list(failure.value.by_field()) == ["cursor"]


def test_a_cursor_only_serves_its_own_list_and_sort(session, seven_pods):
    cursor = pods(session, seven_pods, limit=2).next_cursor
    for other in (
        lambda: pods(session, seven_pods, limit=2, cursor=cursor, sort="age"),
        lambda: pods(session, seven_pods, limit=2, cursor=cursor, descending=True),
        lambda: list_workloads(
            session=session, org_id=seven_pods.id, request=PageRequest(cursor=cursor)
        ),
    ):
        with pytest.raises(ValidationFailed) as failure:
            other()
        assert list(failure.value.by_field()) == ["cursor"]
