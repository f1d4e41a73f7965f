"""The cost job's wiring: when the scheduler runs it, and what a run records."""

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import select

from kube_console.models import CostHourly, WorkerRun
from kube_console.settings import Settings
from kube_console.workers.cost_job import run_cost_job
from kube_console.workers.scheduler import ConsoleScheduler
from tests.support.sync_worker import NeverLeader
from tests.support.usage import Figures, UsageWriter, at, every, session_factory


def _cost_trigger(settings):
    return ConsoleScheduler(settings=settings, keyring=None, lock=NeverLeader())._cost_trigger()


def test_the_cost_job_runs_hourly_at_minute_5_by_default_else_every_interval():
    hourly = _cost_trigger(Settings(cost_interval_seconds=3600))
    assert (
        isinstance(hourly, CronTrigger)
        and str(hourly.fields[hourly.FIELD_NAMES.index("minute")]) == "5"
    )
    every_15_minutes = _cost_trigger(Settings(cost_interval_seconds=900))
    assert (
        isinstance(every_15_minutes, IntervalTrigger)
        and every_15_minutes.interval.total_seconds() == 900
    )


def test_a_run_that_costed_hours_is_recorded_and_an_idle_one_is_not(
    session, engine, make, monkeypatch
):
    org = make.org()
    cluster = make.cluster(org)
    UsageWriter(session, cluster).steady(
        every(at(10), at(11), 180), namespaces={"shop": Figures(cpu_request=1)}
    )
    monkeypatch.setattr("kube_console.costs.engine.utcnow", lambda: at(11, 5))
    settings = Settings(sync_interval_seconds=60)
    assert run_cost_job(
        settings=settings, open_session=session_factory(engine), process="test:1"
    ) == (1, 0)
    assert run_cost_job(
        settings=settings, open_session=session_factory(engine), process="test:1"
    ) == (0, 0)
    session.expire_all()
    [run] = session.exec(select(WorkerRun)).all()
    assert (
        run.org_id,
        run.trigger,
        run.job,
        run.status,
        run.items_done,
        run.details["hours"],
        run.details["rows"],
    ) == (
        org.id,
        "schedule",
        "cost",
        "succeeded",
        1,
        1,
        2,
    )
    assert len(session.exec(select(CostHourly)).all()) == 2
