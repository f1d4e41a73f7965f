"""The CSV the console hands out, safe to open in a spreadsheet.

A cell a spreadsheet takes for a formula (text starting with =, +, -, @, a tab or a carriage
return) can run commands or send data away when the file is opened: OWASP's "CSV injection".
Label values come from clusters anyone with a namespace can label, so every text cell that
starts so gets a leading single quote, which spreadsheets show as text. Figures are not text:
numbers, and numbers already formatted (`Figure`), are written as they are, negative ones
included. Lines end in CRLF (RFC 4180), so a carriage return inside a label is quoted instead
of ending its row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Self

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Figure(str):
    """A number formatted for a cell ("-0.42", "12.5"): written as it is, never neutralised."""

    def __new__(cls, text: str) -> Self:
        float(text)  # only a number may pass as one: ValueError otherwise
        return super().__new__(cls, text)


Cell = str | int | float | None


def text_cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula it runs."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _cell(value: Cell) -> Cell:
    if isinstance(value, str) and not isinstance(value, Figure):
        return text_cell(value)
    return value


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    """`rows` (the header first) as CSV text: text cells neutralised, numbers as numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()
