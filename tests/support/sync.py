"""Helpers for tests that register and sync fake-served clusters: count rows, sync one cluster now."""

from __future__ import annotations

from sqlalchemy import func, select

from kube_console.services.clusters import label_keys
from kube_console.services.sync import SyncOutcome, sync_cluster


def count_rows(session, model, cluster_id: int, *conditions) -> int:
    return session.execute(
        select(func.count()).select_from(model).where(model.cluster_id == cluster_id, *conditions)
    ).scalar_one()


def sync_now(cluster_id: int, open_session, keyring, settings, **options) -> SyncOutcome:
    """One sync of the cluster as the scheduler runs it (`options` go to sync_cluster)."""
    return sync_cluster(
        cluster_id=cluster_id,
        keyring=keyring,
        label_keys=label_keys(settings),
        open_session=open_session,
        sync_interval_seconds=settings.sync_interval_seconds,
        **options,
    )
