"""A worker keeps each cluster's client from one sync to the next (kube/client.py's
ApiClientCache): the syncs of a cluster share its connections; a new credential, a failed
sync or the cluster's deletion closes the client, and the next sync starts anew."""

from __future__ import annotations

import pytest

from kube_console.kube.client import ApiClientCache
from kube_console.kube.fetch import FETCH_CONCURRENCY
from kube_console.models import Cluster
from kube_console.services.credentials import store_credential
from kube_console.workers.scheduler import ConsoleScheduler
from tests.fakekube.cluster import Fault
from tests.fakekube.generator import generate_cluster
from tests.integration.test_sync_scheduling import AlwaysLeader
from tests.support.sync import sync_now
from tests.unit.kube.test_client_cache import Builds


@pytest.fixture
def kept(fake_kube):
    return fake_kube.add_cluster(
        generate_cluster("kept", seed=5, namespaces=2, nodes=1, deployments=2, pods=6)
    )


class Worker:
    """A worker's sync of one cluster, with its own client cache."""

    def __init__(self, open_session, keyring, settings) -> None:
        self.builds = Builds()
        self.clients = ApiClientCache(build=self.builds)
        self._context = (open_session, keyring, settings)

    def sync(self, cluster_id: int):
        return sync_now(cluster_id, *self._context, clients=self.clients)


@pytest.fixture
def worker(open_session, keyring, settings) -> Worker:
    return Worker(open_session, keyring, settings)


def _connections_opened(api_client, server: str) -> int:
    return api_client.rest_client.pool_manager.connection_from_url(server).num_connections


def test_the_syncs_of_a_cluster_share_one_client_and_its_connections(
    register, fake_kube, kept, worker
):
    card = register(kept)
    syncs = FETCH_CONCURRENCY + 2
    for _ in range(syncs):
        assert worker.sync(card.id).ok

    [api_client] = worker.builds.clients
    assert worker.builds.closed == []
    # A sync opens as many connections as it has requests in flight at once; the next syncs
    # reuse them. A client per sync would have opened at least one for each.
    assert _connections_opened(api_client, fake_kube.url_for(kept)) <= FETCH_CONCURRENCY < syncs


def test_a_new_credential_is_used_at_the_next_sync_and_the_old_client_closed(
    register, fake_kube, kept, session, keyring, worker
):
    card = register(kept)
    assert worker.sync(card.id).ok

    cluster = session.get(Cluster, card.id)
    rotated = fake_kube.credentials_for(kept, auth="client-certificate")
    store_credential(cluster=cluster, credentials=rotated, keyring=keyring)
    session.add(cluster)
    session.commit()
    fake_kube.clear_requests()
    assert worker.sync(card.id).ok

    old, new = worker.builds.clients
    assert worker.builds.closed == [old]
    assert new.configuration.api_key == {}  # the certificate, not the old token
    assert fake_kube.requests(kept.name)  # and it reached the cluster with it


def test_a_revoked_token_is_not_kept_alive_by_the_cached_client(
    register, fake_kube, kept, session, keyring, worker
):
    """The rotation above, the other way: the admin replaces a leaked token; the old one is
    refused from then on, and the worker's next sync uses the new one."""
    card = register(kept)
    assert worker.sync(card.id).ok

    kept.tokens = {"the-new-token": "fakekube-admin"}  # the old token is refused from now on
    cluster = session.get(Cluster, card.id)
    store_credential(cluster=cluster, credentials=fake_kube.credentials_for(kept), keyring=keyring)
    session.add(cluster)
    session.commit()

    assert worker.sync(card.id).status == "healthy"


def test_a_failed_sync_discards_the_client(register, fake_kube, kept, worker):
    card = register(kept)
    assert worker.sync(card.id).ok

    kept.inject(Fault(path="/version", drop_connection=True))
    assert worker.sync(card.id).status == "unreachable"
    assert worker.builds.closed == worker.builds.clients and len(worker.clients) == 0

    kept.clear_faults()
    assert worker.sync(card.id).ok
    assert len(worker.builds.clients) == 2


def test_a_deleted_clusters_client_is_closed(register, kept, session, worker):
    card = register(kept)
    assert worker.sync(card.id).ok

    session.delete(session.get(Cluster, card.id))
    session.commit()
    with pytest.raises(LookupError):
        worker.sync(card.id)
    assert worker.builds.closed == worker.builds.clients and len(worker.clients) == 0


def test_stopping_a_processs_workers_closes_the_clients_they_kept(
    register, kept, open_session, keyring, settings
):
    card = register(kept)
    scheduler = ConsoleScheduler(
        settings=settings, keyring=keyring, open_session=open_session, lock=AlwaysLeader()
    )
    syncer = scheduler.sync_loop._sync_one  # the syncer the process's loop runs
    scheduler.start()
    try:
        assert syncer(card.id).ok
        assert len(syncer.clients) == 1
    finally:
        scheduler.shutdown()
    assert len(syncer.clients) == 0
