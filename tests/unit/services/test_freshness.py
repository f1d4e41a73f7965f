"""The freshness of a cluster's figures: exact ages, and the stale rule (older than two sync
intervals since the last successful sync, whatever the last attempt did)."""

import datetime as dt

import pytest

from kube_console.services.freshness import exact_age, freshness, stale_hint

NOW = dt.datetime(2026, 3, 10, 12, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (1, "1 s"),
        (44, "44 s"),
        (59, "59 s"),
        (60, "1 min 00 s"),
        (125, "2 min 05 s"),
        (3599, "59 min 59 s"),
        (3600, "1 h 00 min"),
        (7440, "2 h 04 min"),
        (86400 * 3 + 7200, "3 d 02 h"),
        (-5, "0 s"),
    ],
)
def test_ages_are_exact_to_the_second_under_an_hour(seconds, text):
    assert exact_age(seconds) == text


@pytest.mark.parametrize(
    ("age", "stale"),
    [(0, False), (59, False), (60, False), (61, True), (600, True)],
)
def test_figures_are_stale_once_older_than_two_intervals(age, stale):
    fresh = freshness(
        last_success_at=NOW - dt.timedelta(seconds=age),
        status="healthy",
        sync_interval_seconds=30,
        now=NOW,
    )
    assert (fresh.age_seconds, fresh.stale, fresh.stale_after_seconds) == (age, stale, 60)


def test_a_failing_cluster_is_stale_by_its_last_success_not_its_last_attempt():
    fresh = freshness(
        last_success_at=(NOW - dt.timedelta(minutes=7)).isoformat(),
        status="unreachable",
        sync_interval_seconds=30,
        now=NOW,
    )
    assert (fresh.age_seconds, fresh.stale, fresh.last_attempt_failed) == (420, True, True)


def test_the_interval_setting_moves_the_threshold():
    moment = NOW - dt.timedelta(minutes=7)
    assert (
        freshness(
            last_success_at=moment, status="healthy", sync_interval_seconds=300, now=NOW
        ).stale
        is False
    )
    assert (
        freshness(
            last_success_at=moment, status="healthy", sync_interval_seconds=120, now=NOW
        ).stale
        is True
    )


def test_a_cluster_never_synced_has_no_age_and_nothing_stale():
    fresh = freshness(last_success_at=None, status="pending", sync_interval_seconds=30, now=NOW)
    assert (fresh.age_seconds, fresh.stale, fresh.last_attempt_failed) == (None, False, False)


def test_the_stale_hint_names_the_threshold():
    fresh = freshness(last_success_at=NOW, status="healthy", sync_interval_seconds=45, now=NOW)
    assert stale_hint(fresh) == (
        "Stale: from the last successful sync, more than 1 min 30 s (2 sync intervals) ago"
    )
