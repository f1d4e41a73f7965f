import datetime as dt

import pytest

from kube_console.formatting import (
    UNKNOWN,
    counted,
    currency_affixes,
    format_bytes,
    format_cores,
    format_duration_of_days,
    format_money,
    format_percent,
    format_relative_time,
    format_unit_price,
)

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("cores", "text"),
    [
        (1.5, "1.5 cores"),
        (1.0, "1 core"),
        (2, "2 cores"),
        (12.345, "12.35 cores"),
        (0.25, "250 m"),
        (0.0015, "2 m"),
        (0.9996, "1 core"),
        (0.0004, "<1 m"),
        (0, "0 cores"),
        (None, UNKNOWN),
    ],
)
def test_cores(cores, text):
    assert format_cores(cores) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (512, "512 B"),
        (1536, "1.5 KiB"),
        (int(3.2 * 2**30), "3.2 GiB"),
        (16 * 2**30, "16 GiB"),
        (1024 * 2**20 - 1, "1 GiB"),
        (5 * 2**50, "5 PiB"),
        (2.5 * 2**20, "2.5 MiB"),
        (None, UNKNOWN),
    ],
)
def test_bytes(size, text):
    assert format_bytes(size) == text


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (12.4, "USD", "$12.40"),
        (1234.5, "USD", "$1,234.50"),
        (0, "USD", "$0.00"),
        (0.004, "USD", "<$0.01"),
        (-3, "USD", "-$3.00"),
        (7.125, "EUR", "€7.12"),
        (9.9, "CHF", "9.90 CHF"),
        (None, "USD", UNKNOWN),
    ],
)
def test_money(amount, currency, text):
    assert format_money(amount, currency) == text


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.423, "42%"),
        (0.042, "4.2%"),
        (0.05, "5%"),
        (1.5, "150%"),
        (0, "0%"),
        (12.5, "1,250%"),
        (None, UNKNOWN),
    ],
)
def test_percent(fraction, text):
    assert format_percent(fraction) == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (NOW - dt.timedelta(seconds=12), "12 s ago"),
        (NOW - dt.timedelta(minutes=5, seconds=59), "5 min ago"),
        (NOW - dt.timedelta(hours=3), "3 h ago"),
        (NOW - dt.timedelta(days=3, hours=23), "3 d ago"),
        (NOW + dt.timedelta(minutes=5), "in 5 min"),
        ((NOW - dt.timedelta(hours=2)).isoformat(), "2 h ago"),
        ("2026-03-10T11:59:00", "1 min ago"),  # no zone: UTC
        ("", UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_relative_time(moment, text):
    assert format_relative_time(moment, now=NOW) == text


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (0.04, "USD", "$0.04"),
        (0.005, "USD", "$0.005"),
        (0.0001, "EUR", "€0.0001"),
        (0.0123456, "USD", "$0.012346"),
        (1250, "GBP", "£1,250.00"),
        (0.5, "CHF", "0.50 CHF"),
        (0, "USD", "$0.00"),
        (None, "USD", UNKNOWN),
    ],
)
def test_unit_prices_keep_the_precision_they_are_set_with(amount, currency, text):
    assert format_unit_price(amount, currency) == text


def test_currency_affixes_put_a_symbol_before_and_a_code_after():
    assert currency_affixes("USD") == ("$", "")
    assert currency_affixes("CHF") == ("", " CHF")


@pytest.mark.parametrize(
    ("count", "noun", "plural", "text"),
    [
        (1, "node", None, "1 node"),
        (0, "node", None, "0 nodes"),
        (3, "node", None, "3 nodes"),
        (1200, "pod", None, "1,200 pods"),
        (2, "volume claim", None, "2 volume claims"),
        (2, "policy", "policies", "2 policies"),
    ],
)
def test_a_count_agrees_with_its_noun(count, noun, plural, text):
    assert counted(count, noun, plural) == text


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0.01, "less than an hour"),
        (0.2, "5 hours"),
        (1 / 24, "1 hour"),
        (0.99, "1 day"),
        (1.0, "1 day"),
        (2.46, "2.5 days"),
        (7, "7 days"),
    ],
)
def test_a_stretch_of_days_reads_in_hours_when_shorter_than_a_day(days, text):
    assert format_duration_of_days(days) == text
