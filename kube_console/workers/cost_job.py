"""The cost job: price every closed hour since each cluster's watermark, and record the run.

Thin on purpose: costs/engine.py does the work cluster by cluster, so one failing cluster
never stops the others. A run that found nothing to do leaves no record.
"""

from __future__ import annotations

from kube_console.costs.engine import run_cost_pass
from kube_console.services import workers as worker_service
from kube_console.services.sync import OpenSession
from kube_console.settings import Settings


def run_cost_job(*, settings: Settings, open_session: OpenSession, process: str) -> tuple[int, int]:
    """(clusters costed, clusters failed) for one scheduled run."""
    outcomes = run_cost_pass(open_session=open_session, settings=settings)
    worked = [outcome for outcome in outcomes if outcome.hours_computed or not outcome.ok]
    if not worked:
        return 0, 0
    failed = [outcome for outcome in worked if not outcome.ok]
    with open_session() as session:
        run_id = worker_service.start_run(
            session=session,
            job="cost",
            trigger="schedule",
            process=process,
            items_total=len(worked),
        )
        worker_service.finish_run(
            session=session,
            run_id=run_id,
            items_done=len(worked) - len(failed),
            items_failed=len(failed),
            details={
                "hours": sum(outcome.hours_computed for outcome in worked),
                "rows": sum(outcome.rows_written for outcome in worked),
                "failed": {outcome.cluster_name: outcome.error for outcome in failed},
            },
        )
    return len(worked) - len(failed), len(failed)
