"""`python -m kube_console costs compute`: runs the cost job by hand and says what it did."""

import datetime as dt

from typer.testing import CliRunner

from kube_console import cli
from kube_console.costs.math import floor_hour
from kube_console.db import utcnow
from kube_console.settings import Settings
from tests.support.usage import Figures, UsageWriter, every, session_factory


def test_costs_compute_prints_hours_rows_and_time_per_cluster(session, engine, make, monkeypatch):
    cluster = make.cluster(make.org(), name="prod")
    now = utcnow()
    monkeypatch.setattr("kube_console.costs.engine.utcnow", lambda: now)
    last_closed = floor_hour(now) - dt.timedelta(hours=1)
    UsageWriter(session, cluster).steady(
        every(last_closed - dt.timedelta(hours=2), last_closed + dt.timedelta(hours=1), 60),
        namespaces={"shop": Figures(cpu_request=1)},
    )
    monkeypatch.setattr(cli, "session_scope", session_factory(engine))
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(sync_interval_seconds=60))
    runner = CliRunner()

    result = runner.invoke(cli.app, ["costs", "compute"])
    assert result.exit_code == 0, result.output
    [line, total] = result.output.strip().splitlines()
    assert line.startswith("prod") and "3 hours" in line and "6 rows" in line and " ms " in line
    assert total.startswith("1 cluster(s): 3 hours, 6 rows in ")

    again = runner.invoke(
        cli.app,
        ["costs", "compute", "--cluster", str(cluster.id), "--from", last_closed.isoformat()],
    )
    assert again.exit_code == 0 and "1 hours" in again.output

    assert runner.invoke(cli.app, ["costs", "compute", "--from", "soon"]).exit_code == 1
    assert runner.invoke(cli.app, ["costs", "compute", "--cluster", "999"]).exit_code == 1


def test_costs_compute_runs_appear_on_each_organizations_workers_page(
    session, engine, make, monkeypatch
):
    """The CLI records its run where the hourly job does, one per organization, so each
    admin's Workers page lists it (with the CLI as its trigger) and no other organization's."""
    from kube_console.services.workers import worker_status

    acme, rival = make.org("acme"), make.org("rival")
    clusters = {org.name: make.cluster(org, name=f"{org.name}-prod") for org in (acme, rival)}
    now = utcnow()
    monkeypatch.setattr("kube_console.costs.engine.utcnow", lambda: now)
    last_closed = floor_hour(now) - dt.timedelta(hours=1)
    for cluster in clusters.values():
        UsageWriter(session, cluster).steady(
            every(last_closed - dt.timedelta(hours=1), last_closed + dt.timedelta(hours=1), 60),
            namespaces={"shop": Figures(cpu_request=1)},
        )
    monkeypatch.setattr(cli, "session_scope", session_factory(engine))
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(sync_interval_seconds=60))

    result = CliRunner().invoke(cli.app, ["costs", "compute"])
    assert result.exit_code == 0, result.output

    session.expire_all()
    for org in (acme, rival):
        [run] = worker_status(session=session, org_id=org.id).recent_runs
        assert (run.job, run.trigger, run.status, run.items_total, run.items_done) == (
            "cost",
            "cli",
            "succeeded",
            1,
            1,
        )
    assert (
        CliRunner().invoke(cli.app, ["costs", "compute"]).exit_code == 0
    )  # nothing to do: no run recorded
    assert len(worker_status(session=session, org_id=acme.id).recent_runs) == 1


def _at_0733(monkeypatch, engine):
    now = dt.datetime(2026, 11, 2, 7, 33, tzinfo=dt.UTC)
    monkeypatch.setattr("kube_console.costs.engine.utcnow", lambda: now)
    monkeypatch.setattr(cli, "session_scope", session_factory(engine))
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(sync_interval_seconds=60))
    return now


def test_costs_compute_says_why_it_computed_nothing(session, engine, make, monkeypatch):
    """Issue 13 item 5: a cluster registered at 06:33 has no closed hour before 07:00; at
    07:33 `costs compute` says the open hour closes at 08:00 instead of printing zeros alone."""
    now = _at_0733(monkeypatch, engine)
    cluster = make.cluster(make.org(), name="prod")
    UsageWriter(session, cluster).steady(
        every(dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC), now, 60),
        namespaces={"shop": Figures(cpu_request=1)},
    )

    result = CliRunner().invoke(cli.app, ["costs", "compute"])
    assert result.exit_code == 0, result.output
    assert "0 hours" in result.output
    assert (
        "the current hour 07:00–08:00 closes at 08:00; nothing to compute before it"
        in result.output
    )


def test_costs_compute_refuses_a_range_inside_the_open_hour(session, engine, make, monkeypatch):
    _at_0733(monkeypatch, engine)
    make.cluster(make.org(), name="prod")
    runner = CliRunner()
    for option, value in (("--from", "2026-11-02T07:10Z"), ("--to", "2026-11-02T07:40Z")):
        result = runner.invoke(cli.app, ["costs", "compute", option, value])
        assert result.exit_code == 1, result.output
        assert option in result.output
        assert "the current hour 07:00–08:00 closes at 08:00; nothing to compute before it" in (
            result.output
        )
    # A range that ends where the open hour starts is fine.
    fine = runner.invoke(
        cli.app, ["costs", "compute", "--from", "2026-11-02T05:00Z", "--to", "2026-11-02T07:00Z"]
    )
    assert fine.exit_code == 0, fine.output
