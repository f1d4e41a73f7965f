"""The console's CSV writer: text a spreadsheet would run as a formula is neutralised as OWASP
recommends, figures are written as numbers, and a carriage return never ends a row."""

from __future__ import annotations

import csv
import io

import pytest

from kube_console.services.csv_text import Figure, csv_text


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),  # text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("web", "web"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(cell, written):
    assert _read(csv_text([[cell]])) == [[written]]


def test_figures_stay_numbers_negative_ones_too():
    rows = [["Idle", Figure("-0.42"), -1.5, 3, None]]
    assert _read(csv_text(rows)) == [["Idle", "-0.42", "-1.5", "3", ""]]


def test_only_a_number_may_pass_as_a_figure():
    with pytest.raises(ValueError):
        Figure("=1+2")


def test_a_carriage_return_in_a_label_stays_inside_its_row():
    assert _read(csv_text([["a\rb", "c"], ["d", "e"]])) == [["a\rb", "c"], ["d", "e"]]
