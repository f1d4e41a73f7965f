"""Figures as people read them: cores, bytes, money, percentages and times. Pure: no DB, no Reflex.

Each function takes the raw, unit-bearing number a record carries (cores, bytes, an amount, a
fraction, an ISO time); None, or "" for a time, means unknown and reads as an em dash.
"""

from __future__ import annotations

import datetime as dt

UNKNOWN = "—"
_BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def _trimmed(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def noun_for(count: float, singular: str, plural: str | None = None) -> str:
    """The noun that agrees with `count`: ("node", 1) → "node", ("node", 3) → "nodes"."""
    return singular if count == 1 else plural or f"{singular}s"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun, agreed: 1 → "1 node", 0 → "0 nodes", 1200 → "1,200 nodes"."""
    return f"{count:,} {noun_for(count, singular, plural)}"


def format_duration_of_days(days: float) -> str:
    """A stretch of time given in days, in the unit that reads best: 0.2 → "5 hours",
    0.01 → "less than an hour", 1 → "1 day", 2.46 → "2.5 days"."""
    hours = days * 24
    if hours < 1:
        return "less than an hour"
    if hours < 23.5:
        return counted(round(hours), "hour")
    text = _trimmed(days, 1)
    return f"{text} {noun_for(float(text), 'day')}"


def format_cores(cores: float | None) -> str:
    """1.5 → "1.5 cores", 1 → "1 core", 0.25 → "250 m" (millicores), 0.0004 → "<1 m"."""
    if cores is None:
        return UNKNOWN
    if cores == 0:
        return "0 cores"
    millicores = round(cores * 1000)
    if abs(millicores) < 1000:
        return f"{millicores} m" if millicores else "<1 m"
    text = _trimmed(cores, 2)
    return f"{text} {noun_for(float(text), 'core')}"


def format_bytes(size: float | None) -> str:
    """Powers of 1024, one decimal at most: 3435973837 → "3.2 GiB", 512 → "512 B"."""
    if size is None:
        return UNKNOWN
    value, unit = float(size), _BINARY_UNITS[0]
    for unit in _BINARY_UNITS:
        if abs(round(value, 1)) < 1024 or unit == _BINARY_UNITS[-1]:
            break
        value /= 1024
    if unit == "B":
        return f"{round(value)} B"
    return f"{_trimmed(value, 1)} {unit}"


def format_money(amount: float | None, currency: str = "USD") -> str:
    """12.4 → "$12.40", 1234.5 → "$1,234.50"; amounts under a cent but not zero → "<$0.01"."""
    if amount is None:
        return UNKNOWN
    sign = "-" if amount < 0 else ""
    symbol = _CURRENCY_SYMBOLS.get(currency)

    def written(number: str) -> str:
        return f"{symbol}{number}" if symbol else f"{number} {currency}"

    if 0 < abs(amount) < 0.005:
        return f"{sign}<{written('0.01')}"
    return f"{sign}{written(f'{abs(amount):,.2f}')}"


def currency_affixes(currency: str = "USD") -> tuple[str, str]:
    """What goes before and after an amount: ("$", "") for USD, ("", " CHF") for a code without
    a symbol; for chart axes and hover labels, which format the number themselves."""
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return (symbol, "") if symbol else ("", f" {currency}")


def format_unit_price(amount: float | None, currency: str = "USD") -> str:
    """A unit price, to the precision prices are set with: 0.04 → "$0.04", 0.0001 → "$0.0001"."""
    if amount is None:
        return UNKNOWN
    prefix, suffix = currency_affixes(currency)
    digits = f"{abs(amount):,.6f}".rstrip("0")
    whole, _, decimals = digits.partition(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{prefix}{whole}.{decimals.ljust(2, '0')}{suffix}"


def format_percent(fraction: float | None) -> str:
    """A fraction as a percentage: 0.423 → "42%", 0.042 → "4.2%", 1.5 → "150%"."""
    if fraction is None:
        return UNKNOWN
    percent = fraction * 100
    if abs(percent) < 10 and round(percent, 1) != round(percent):
        return f"{percent:.1f}%"
    return f"{percent:,.0f}%"


def _moment(value: str | dt.datetime | None) -> dt.datetime | None:
    if not value:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def format_relative_time(value: str | dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long ago: "12 s ago", "5 min ago", "3 h ago", "3 d ago"; "in 5 min" for the future."""
    moment = _moment(value)
    if moment is None:
        return UNKNOWN
    seconds = ((now or dt.datetime.now(dt.UTC)) - moment).total_seconds()
    span = abs(seconds)
    if span < 60:
        text = f"{int(span)} s"
    elif span < 3600:
        text = f"{int(span // 60)} min"
    elif span < 86400:
        text = f"{int(span // 3600)} h"
    else:
        text = f"{int(span // 86400)} d"
    return f"in {text}" if seconds <= -1 else f"{text} ago"
