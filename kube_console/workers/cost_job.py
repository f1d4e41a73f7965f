"""The cost job: price every closed hour since each cluster's watermark, and record the run.

Thin on purpose: costs/engine.py does the work cluster by cluster, so one failing cluster
never stops the others. The run is recorded once per organization (its admins see it on the
Workers page); a run that found nothing to do leaves no record. `costs compute` records its
runs the same way, with the CLI as their trigger.
"""

from __future__ import annotations

from kube_console.costs.engine import price_open_hours, run_cost_pass
from kube_console.db import utcnow
from kube_console.services import workers as worker_service
from kube_console.services.sync import OpenSession
from kube_console.settings import Settings


def run_cost_job(*, settings: Settings, open_session: OpenSession, process: str) -> tuple[int, int]:
    """(clusters costed, clusters failed) for one scheduled run."""
    started_at = utcnow()
    outcomes = run_cost_pass(open_session=open_session, settings=settings)
    with open_session() as session:
        worker_service.record_cost_runs(
            session=session,
            outcomes=outcomes,
            trigger="schedule",
            process=process,
            started_at=started_at,
        )
    worked = [outcome for outcome in outcomes if outcome.hours_computed or not outcome.ok]
    failed = sum(not outcome.ok for outcome in worked)
    return len(worked) - failed, failed


def run_provisional_job(*, settings: Settings, open_session: OpenSession) -> int:
    """Price every cluster's open hour so far (rows written); recorded in the job stats only:
    it runs every few minutes and replaces its own figures."""
    return price_open_hours(open_session=open_session, settings=settings)
