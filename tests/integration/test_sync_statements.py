"""How many SQL statements one sync of an unchanged cluster costs: a fleet of 1,000 clusters
synced every 30 s lives on that number (performance.md, "Fleet"), so it is pinned here.

Counted at the driver (an executemany is one statement): a count, not a time."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import event

from tests.fakekube.generator import generate_cluster
from tests.support.sync import sync_now

# Two reads of the cluster (before the fetch, then to store it); per table one read of its live
# rows and one write (usage and last_seen, or last_seen alone), the three workload kinds together;
# the samples (5: the snapshot, its namespace rows, the node label sets looked up by digest, the
# node rows and the per-(namespace, node) allocation; an unchanged node list is not read again);
# settling the previous sample into hours (4: marking it settled, which locks it, the add of its
# namespace figures and of its per-node allocation to the hours, the delete of its per-node
# rows), which spares the cost job reading every sample's rows (the namespace figures' add is
# the one statement more than 23: it took the cost job from reading 120 samples' rows per
# namespace and hour to one); the cluster row. 32 before the write path was batched. A
# statement per object, or per page, would show as a count that grows with the cluster.
MOST_STATEMENTS_PER_UNCHANGED_SYNC = 24


@contextlib.contextmanager
def statements_counted(engine) -> Iterator[list[str]]:
    executed: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        executed.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield executed
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _unchanged_sync_statements(
    fake, register, engine, open_session, keyring, settings
) -> list[str]:
    card = register(fake)
    assert sync_now(card.id, open_session, keyring, settings).ok  # steady from here on
    with statements_counted(engine) as executed:
        outcome = sync_now(card.id, open_session, keyring, settings)
    assert outcome.ok and outcome.sampled
    return executed


def test_an_unchanged_cluster_is_synced_in_a_bounded_number_of_statements(
    register, fake_kube, engine, open_session, keyring, settings
):
    small, large = (
        fake_kube.add_cluster(
            generate_cluster(
                name,
                seed=7,
                namespaces=namespaces,
                nodes=nodes,
                deployments=deployments,
                pods=pods,
                statefulsets=2,
                daemonsets=1,
                pvcs=3,
                helm_releases=2,
            )
        )
        for name, namespaces, nodes, deployments, pods in (
            ("small", 2, 1, 2, 5),
            ("large", 6, 4, 12, 80),
        )
    )
    few = _unchanged_sync_statements(small, register, engine, open_session, keyring, settings)
    many = _unchanged_sync_statements(large, register, engine, open_session, keyring, settings)

    assert len(few) <= MOST_STATEMENTS_PER_UNCHANGED_SYNC, "\n".join(few)
    assert len(many) == len(few), "the statements a sync makes grew with the cluster's size"
