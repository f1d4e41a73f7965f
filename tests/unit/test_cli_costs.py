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


def test_costs_compute_runs_appear_on_each_organizations_workers_page(session, engine, make, monkeypatch):
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
        assert (run.job, run.trigger, run.status, run.items_total, run.items_done) == ("cost", "cli", "succeeded", 1, 1)
    assert CliRunner().invoke(cli.app, ["costs", "compute"]).exit_code == 0  # nothing to do: no run recorded
    assert len(worker_status(session=session, org_id=acme.id).recent_runs) == 1
