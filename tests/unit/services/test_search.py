"""Global search: the org's live objects by name, a few per kind, best first."""

import datetime as dt

import pytest

from kube_console.services.search import MAX_PER_KIND, search

UTC = dt.UTC


@pytest.fixture
def orgs(make):
    acme, rival = make.org("acme"), make.org("rival")
    prod = make.cluster(acme, name="prod-eu", environment="production")
    checkout = make.namespace(prod, name="checkout", team="web")
    make.namespace(prod, name="checkout-v2")
    payments = make.namespace(prod, name="payments")
    make.namespace(prod, name="checkout-gone", deleted_at=dt.datetime(2026, 3, 1, tzinfo=UTC))
    make.workload(checkout, name="checkout-api")
    make.workload(payments, name="api-gateway", kind="StatefulSet")
    make.pod(checkout, name="checkout-api-7d9f-abc12", phase="Running")
    make.pod(checkout, name="checkout-api-7d9f-def34", phase="Pending")
    make.pod(payments, name="api-gateway-0")
    make.pod(checkout, name="checkout-old", deleted_at=dt.datetime(2026, 3, 1, tzinfo=UTC))
    make.helm_release(checkout, name="checkout", chart="checkout-chart")

    theirs = make.cluster(rival, name="checkout-rival")
    their_checkout = make.namespace(theirs, name="checkout")
    make.workload(their_checkout, name="checkout-api")
    make.pod(their_checkout, name="checkout-api-1")
    make.helm_release(their_checkout, name="checkout")
    return acme, rival


def found(results):
    return [(hit.kind, hit.name) for hit in results.hits]


def test_finds_every_kind_by_name_within_the_org(session, orgs):
    acme, _ = orgs
    results = search(session=session, org_id=acme.id, query="checkout")
    assert found(results) == [
        ("namespace", "checkout"),
        ("namespace", "checkout-v2"),
        ("workload", "checkout-api"),
        ("pod", "checkout-api-7d9f-abc12"),
        ("pod", "checkout-api-7d9f-def34"),
        ("helm_release", "checkout"),
    ]
    pod = results.hits[3]
    assert (pod.cluster_name, pod.namespace, pod.detail) == ("prod-eu", "checkout", "Running")
    assert (results.hits[0].namespace, results.hits[0].detail, results.hits[-1].detail) == (
        "",
        "web",
        "checkout-chart",
    )


def test_names_match_anywhere_but_pods_by_prefix_best_first(session, orgs):
    acme, _ = orgs
    assert found(search(session=session, org_id=acme.id, query=" API ")) == [
        ("workload", "api-gateway"),  # a prefix ranks before a match inside the name
        ("workload", "checkout-api"),
        ("pod", "api-gateway-0"),  # pods match by prefix only
    ]
    assert found(search(session=session, org_id=acme.id, query="checkout-api-7d9f-d")) == [
        ("pod", "checkout-api-7d9f-def34")
    ]
    assert found(search(session=session, org_id=acme.id, query="PROD")) == [("cluster", "prod-eu")]


def test_another_orgs_and_deleted_objects_never_show(session, orgs):
    acme, rival = orgs
    assert all(
        hit.cluster_name == "prod-eu"
        for hit in search(session=session, org_id=acme.id, query="check").hits
    )
    assert found(search(session=session, org_id=acme.id, query="rival")) == []
    assert found(search(session=session, org_id=acme.id, query="checkout-old")) == []
    assert found(search(session=session, org_id=acme.id, query="gone")) == []
    theirs = found(search(session=session, org_id=rival.id, query="checkout"))
    assert theirs == [
        ("cluster", "checkout-rival"),
        ("namespace", "checkout"),
        ("workload", "checkout-api"),
        ("pod", "checkout-api-1"),
        ("helm_release", "checkout"),
    ]


def test_limits_per_kind_and_empty_or_wildcard_queries(session, orgs):
    acme, _ = orgs
    one_each = found(search(session=session, org_id=acme.id, query="checkout", limit_per_kind=1))
    assert one_each == [
        ("namespace", "checkout"),
        ("workload", "checkout-api"),
        ("pod", "checkout-api-7d9f-abc12"),
        ("helm_release", "checkout"),
    ]
    assert search(session=session, org_id=acme.id, query="   ").hits == []
    for wildcard in ("%", "_", "check_ut", "check%"):
        assert search(session=session, org_id=acme.id, query=wildcard).hits == []


def test_many_matches_stop_at_the_cap(session, make):
    org = make.org()
    namespace = make.namespace(make.cluster(org))
    for index in range(MAX_PER_KIND + 3):
        make.pod(namespace, name=f"batch-{index:03d}")
    results = search(session=session, org_id=org.id, query="batch", limit_per_kind=1000)
    assert [hit.name for hit in results.hits] == [
        f"batch-{index:03d}" for index in range(MAX_PER_KIND)
    ]


def test_a_nul_character_in_the_query_is_dropped_not_sent_to_the_database(session, orgs):
    acme, _ = orgs
    results = search(session=session, org_id=acme.id, query="payme\x00nts")
    assert found(results) == [("namespace", "payments")]
