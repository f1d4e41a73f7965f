"""Labels written as spreadsheet formulas reach the cost CSV as text (OWASP "CSV injection"),
while figures, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from kube_console.costs.engine import run_cost_pass
from kube_console.costs.math import GIB, HOUR, floor_hour
from kube_console.db import utcnow
from kube_console.settings import Settings
from tests.api.conftest import PREFIX, Org
from tests.support.usage import Figures, UsageWriter, every, session_factory

FORMULAS = {  # team label -> the cell a spreadsheet gets
    '=HYPERLINK("https://evil.example","x")': '\'=HYPERLINK("https://evil.example","x")',
    "+1+2": "'+1+2",
    "-3+4": "'-3+4",
    "@SUM(A1)": "'@SUM(A1)",
    "\tcmd": "'\tcmd",
    "\rcmd": "'\rcmd",
}


@pytest.fixture
def formula_labels(api, session, engine, acme: Org, make) -> Org:
    """acme with one cluster whose namespaces carry a formula as their team, on a node too
    small for them: its idle comes out negative."""
    cluster = make.cluster(acme.org, name="prod")
    now = utcnow()
    closed = floor_hour(now)
    namespaces = {
        f"ns-{index}": Figures(cpu_request=1, team=label) for index, label in enumerate(FORMULAS)
    }
    UsageWriter(session, cluster).steady(
        every(closed - 3 * HOUR, closed, 3600), namespaces=namespaces, nodes={"n1": (2, 4 * GIB)}
    )
    outcomes = run_cost_pass(
        open_session=session_factory(engine), settings=Settings(sync_interval_seconds=3600), now=now
    )
    assert all(outcome.ok for outcome in outcomes)
    return acme


def test_labels_written_as_formulas_reach_the_cost_csv_as_text(api, formula_labels: Org):
    params = {"window": "24h", "group_by": "team", "format": "csv"}
    reply = api.get(f"{PREFIX}/costs", headers=formula_labels.member, params=params)
    assert reply.status_code == 200, reply.text
    header, *rows = list(csv.reader(io.StringIO(reply.text, newline="")))
    cells = {row[0]: row[1:] for row in rows}

    assert set(cells) == {*FORMULAS.values(), "Idle", "Total"}
    # Idle: a node of 2 cores and 4 GiB ($0.10 an hour) under 6 cores of requests ($0.24), for
    # 3 hours. A genuine negative figure stays a number.
    assert cells["Idle"][header.index("Cost (USD)") - 1] == "-0.42"
