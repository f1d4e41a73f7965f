"""Parse Kubernetes resource quantities ("250m", "1.5Gi", "1e3") into cores and bytes.

The grammar is the API server's (resource.Quantity): a decimal number, then an optional
suffix that is a binary SI unit (Ki..Ei), a decimal SI unit (n, u, m, "", k, M..E) or a
decimal exponent (e3, E-2). Negative, NaN, infinite and malformed values are refused,
because a request or a capacity can never be one. The same few strings repeat across
thousands of containers, so parsed values are memoized.
"""

from __future__ import annotations

import decimal
import functools
import math
import re

__all__ = ["InvalidQuantity", "parse_bytes", "parse_cpu_cores"]


class InvalidQuantity(ValueError):
    """The text is not a non-negative Kubernetes quantity."""


_QUANTITY = re.compile(
    r"\+?(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:(?P<binary>[KMGTPE]i)|[eE](?P<exponent>[+-]?[0-9]+)|(?P<decimal>[numkMGTPE]))?"
)

_BINARY_EXPONENT = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_EXPONENT = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}

# Kubernetes stores quantities as int64 values; anything beyond is not a real size.
_INT64_MAX = 2**63 - 1
# Exponents beyond this can only be typos or attacks; refusing them early keeps
# Decimal arithmetic from building enormous numbers.
_MAX_EXPONENT_MAGNITUDE = 40

_EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_CEILING, Emax=100, Emin=-100)


def _to_decimal(text: str) -> decimal.Decimal:
    if type(text) is not str:
        raise InvalidQuantity(f"{text!r} is not a quantity string")
    match = _QUANTITY.fullmatch(text)
    if match is None:
        raise InvalidQuantity(f"{text!r} is not a Kubernetes quantity")
    number = decimal.Decimal(match["number"])
    if binary := match["binary"]:
        return _EXACT.multiply(number, 2 ** _BINARY_EXPONENT[binary])
    exponent_text = match["exponent"]
    exponent = int(exponent_text) if exponent_text else _DECIMAL_EXPONENT.get(match["decimal"], 0)
    if abs(exponent) > _MAX_EXPONENT_MAGNITUDE:
        raise InvalidQuantity(f"{text!r} is out of range")
    return _EXACT.multiply(number, decimal.Decimal(1).scaleb(exponent))


@functools.lru_cache(maxsize=4096)
def parse_cpu_cores(text: str) -> float:
    """CPU quantity as cores: "250m" -> 0.25, "2" -> 2.0, "100u" -> 0.0001."""
    cores = float(_to_decimal(text))
    if not math.isfinite(cores) or cores > _INT64_MAX:
        raise InvalidQuantity(f"{text!r} is out of range")
    return cores


@functools.lru_cache(maxsize=4096)
def parse_bytes(text: str) -> int:
    """Byte quantity as an int, rounded up like Kubernetes: "1Gi" -> 1073741824, "100m" -> 1."""
    value = _to_decimal(text)
    if value > _INT64_MAX:
        raise InvalidQuantity(f"{text!r} is out of range")
    return int(value.to_integral_value(rounding=decimal.ROUND_CEILING))
