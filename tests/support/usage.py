"""Writes usage samples as a sync stores them, so cost scenarios can be worked out by hand.

    usage = UsageWriter(session, cluster)
    usage.snapshot(at(10), namespaces={"shop": Figures(cpu_request=2)}, nodes={"n1": (4, 16 * GIB)})

`at(h, m)` is a time on the scenario day (2026-03-10, UTC). Figures left out are zero; the
allocation defaults to max(request, usage), as the sync computes it. A node is (cores, bytes) or
a `NodeSpec` with labels and GPUs; `Figures(on={"n1": (cpu, bytes, gpus)})` places a
namespace's allocation on nodes (what it allocates beyond that is on no listed node). `metrics=False` writes a
sync of a cluster without metrics.k8s.io: its usage figures read zero. `recreate(name)` stands
for a namespace deleted and created again under the same name: a new uid, so a new row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping

from sqlmodel import Session

from kube_console.db import session_scope
from kube_console.models import (
    Cluster,
    Namespace,
    NamespaceNodeSample,
    NamespaceUsageSample,
    Node,
    NodeUsageSample,
    UsageSnapshot,
)
from kube_console.services.inventory import label_set_ids

GIB = 2**30
DAY = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)


def at(hour: int, minute: int = 0, second: int = 0, *, day: int = 0) -> dt.datetime:
    return DAY + dt.timedelta(days=day, hours=hour, minutes=minute, seconds=second)


def every(start: dt.datetime, end: dt.datetime, seconds: int) -> list[dt.datetime]:
    """Sync times from start (included) to end (excluded)."""
    times, moment = [], start
    while moment < end:
        times.append(moment)
        moment += dt.timedelta(seconds=seconds)
    return times


@dataclasses.dataclass(frozen=True)
class Figures:
    cpu_request: float = 0.0
    cpu_usage: float = 0.0
    memory_request: int = 0
    memory_usage: int = 0
    storage: int = 0
    team: str = "unallocated"
    cost_center: str = "unallocated"
    cpu_alloc: float | None = None  # default max(request, usage)
    memory_alloc: int | None = None
    network: int | None = None
    gpu: float = 0.0  # GPUs requested
    # node name -> (cpu cores, memory bytes, GPUs) allocated there
    on: Mapping[str, tuple[float, int, float]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class NodeSpec:
    cores: float
    memory: int
    gpus: float = 0.0
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)


class UsageWriter:
    def __init__(self, session: Session, cluster: Cluster):
        self.session = session
        self.cluster = cluster
        self._namespaces: dict[str, int] = {}
        self._nodes: dict[str, int] = {}
        self._generations: dict[str, int] = {}

    def _namespace_id(self, name: str) -> int:
        if name not in self._namespaces:
            row = Namespace(cluster_id=self.cluster.id, uid=f"ns-{name}", name=name)
            self.session.add(row)
            self.session.flush()
            self._namespaces[name] = row.id
        return self._namespaces[name]

    def namespace_id(self, name: str) -> int:
        """The id of the namespace now called `name` (created on first use)."""
        return self._namespace_id(name)

    def recreate(self, name: str, deleted_at: dt.datetime) -> int:
        """`name` deleted at `deleted_at` and created again: later samples go to a new row."""
        old = self.session.get(Namespace, self._namespace_id(name))
        old.deleted_at = deleted_at
        generation = self._generations.get(name, 0) + 1
        self._generations[name] = generation
        row = Namespace(cluster_id=self.cluster.id, uid=f"ns-{name}-{generation}", name=name)
        self.session.add(row)
        self.session.flush()
        self._namespaces[name] = row.id
        self.session.commit()
        return row.id

    def _node_id(self, name: str) -> int:
        if name not in self._nodes:
            row = Node(cluster_id=self.cluster.id, uid=f"node-{name}", name=name)
            self.session.add(row)
            self.session.flush()
            self._nodes[name] = row.id
        return self._nodes[name]

    def snapshot(
        self,
        sampled_at: dt.datetime,
        *,
        namespaces: Mapping[str, Figures],
        nodes: Mapping[str, tuple[float, int] | NodeSpec] | None = None,
        metrics: bool = True,
    ) -> None:
        self._add(sampled_at, namespaces, nodes, metrics)
        self.session.commit()

    def steady(
        self,
        times: list[dt.datetime],
        *,
        namespaces: Mapping[str, Figures],
        nodes: Mapping[str, tuple[float, int] | NodeSpec] | None = None,
        metrics: bool = True,
    ) -> None:
        """The same figures at every one of `times`."""
        for sampled_at in times:
            self._add(sampled_at, namespaces, nodes, metrics)
        self.session.commit()

    def _add(
        self,
        sampled_at: dt.datetime,
        namespaces: Mapping[str, Figures],
        nodes: Mapping[str, tuple[float, int] | NodeSpec] | None,
        metrics: bool,
    ) -> None:
        snapshot = UsageSnapshot(
            cluster_id=self.cluster.id, sampled_at=sampled_at, metrics_available=metrics
        )
        self.session.add(snapshot)
        self.session.flush()
        for name, figures in namespaces.items():
            if not metrics:  # no usage figures: the allocation is the request
                figures = dataclasses.replace(figures, cpu_usage=0.0, memory_usage=0)
            self.session.add(
                NamespaceUsageSample(
                    snapshot_id=snapshot.id,
                    cluster_id=self.cluster.id,
                    namespace_id=self._namespace_id(name),
                    namespace=name,
                    sampled_at=sampled_at,
                    team=figures.team,
                    cost_center=figures.cost_center,
                    pods_running=1,
                    cpu_request_cores=figures.cpu_request,
                    cpu_usage_cores=figures.cpu_usage,
                    cpu_alloc_cores=(
                        figures.cpu_alloc
                        if figures.cpu_alloc is not None
                        else max(figures.cpu_request, figures.cpu_usage)
                    ),
                    memory_request_bytes=figures.memory_request,
                    memory_usage_bytes=figures.memory_usage,
                    memory_alloc_bytes=(
                        figures.memory_alloc
                        if figures.memory_alloc is not None
                        else max(figures.memory_request, figures.memory_usage)
                    ),
                    storage_bytes=figures.storage,
                    network_bytes=figures.network,
                    gpu_alloc=figures.gpu,
                )
            )
            for node, (cpu, memory, gpus) in figures.on.items():
                self.session.add(
                    NamespaceNodeSample(
                        snapshot_id=snapshot.id,
                        namespace_id=self._namespace_id(name),
                        node_id=self._node_id(node),
                        cpu_alloc_cores=cpu,
                        memory_alloc_bytes=memory,
                        gpu_alloc=gpus,
                    )
                )
        specs = {
            name: spec if isinstance(spec, NodeSpec) else NodeSpec(*spec)
            for name, spec in (nodes or {}).items()
        }
        label_sets = label_set_ids(self.session, [dict(spec.labels) for spec in specs.values()])
        for (name, spec), label_set_id in zip(specs.items(), label_sets):
            self.session.add(
                NodeUsageSample(
                    snapshot_id=snapshot.id,
                    cluster_id=self.cluster.id,
                    node_id=self._node_id(name),
                    node=name,
                    sampled_at=sampled_at,
                    capacity_cpu_cores=spec.cores,
                    capacity_memory_bytes=spec.memory,
                    capacity_gpus=spec.gpus,
                    allocatable_cpu_cores=spec.cores,
                    allocatable_memory_bytes=spec.memory,
                    label_set_id=label_set_id,
                )
            )


def session_factory(engine):
    """What services take as `open_session`, bound to the test database."""
    return functools.partial(session_scope, engine)
