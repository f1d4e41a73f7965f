"""Kubernetes quantity grammar: what parses to how many cores or bytes, and what is refused."""

import pytest

from kube_console.kube.quantity import InvalidQuantity, parse_bytes, parse_cpu_cores


@pytest.mark.parametrize(
    ("text", "cores"),
    [
        ("250m", 0.25),
        ("2", 2.0),
        ("1.5", 1.5),
        ("0.5", 0.5),
        (".5", 0.5),
        ("1.", 1.0),
        ("+1", 1.0),
        ("100u", 0.0001),
        ("500000n", 0.0005),
        ("123456789n", 0.123456789),
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        ("25e-3", 0.025),
        ("1k", 1000.0),
        ("0", 0.0),
        ("1930m", 1.93),
    ],
)
def test_cpu_quantities_parse_to_cores(text, cores):
    assert parse_cpu_cores(text) == pytest.approx(cores, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("128Mi", 128 * 2**20),
        ("1Gi", 2**30),
        ("1.5Gi", 1610612736),
        ("1959264Ki", 1959264 * 1024),
        ("1G", 10**9),
        ("500M", 500 * 10**6),
        ("1e9", 10**9),
        ("12345", 12345),
        ("18181869946", 18181869946),
        ("2Ti", 2 * 2**40),
        ("1Pi", 2**50),
        ("7Ei", 7 * 2**60),
        ("1E", 10**18),
        # Fractions of a byte round up, as Quantity.Value() does.
        ("100m", 1),
        ("1500m", 2),
        ("0.1Ki", 103),
        ("1.0000001", 2),
        ("0", 0),
    ],
)
def test_byte_quantities_parse_to_whole_bytes(text, size):
    assert parse_bytes(text) == size
    assert type(parse_bytes(text)) is int


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        " 1Gi",
        "1Gi ",
        "1 Gi",
        "-1",
        "-100m",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "1K",  # decimal kilo is lower-case k
        "1KiB",
        "1gi",
        "1e",
        "1e3.5",
        "1.2.3",
        "0x10",
        "1_000",
        "abc",
        "Gi",
        "+",
        ".",
        "1Mi1",
        "１",  # a full-width digit
        "8Ei",  # beyond int64
        "1e400",
    ],
)
def test_malformed_negative_and_non_finite_quantities_are_refused(text):
    with pytest.raises(InvalidQuantity):
        parse_bytes(text)
    with pytest.raises(InvalidQuantity):
        parse_cpu_cores(text)


def test_invalid_quantity_is_a_value_error_that_names_the_text():
    with pytest.raises(ValueError, match="'12 cores'"):
        parse_cpu_cores("12 cores")


def test_non_string_input_is_refused_not_crashed_on():
    with pytest.raises(InvalidQuantity):
        parse_bytes(None)  # type: ignore[arg-type]
