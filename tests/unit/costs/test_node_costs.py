"""Node prices in the hourly cost job, each figure worked out by hand from cost-model.md
("Node prices", "Idle"), on both databases.

Sync interval 60 s; built-in sheet: $0.04 per core-hour, $0.005 per GiB-hour, $0.95 per GPU-hour.
The shipped catalogue (pinned rows, AWS us-east-1 on-demand): m5.large (2 vCPU, 8 GiB) $0.096,
m5.xlarge (4 vCPU, 16 GiB) $0.192, g5.xlarge (4 vCPU, 16 GiB, 1 A10G) $1.006. Spot factor 0.35.
"""

import datetime as dt

import pytest
from sqlmodel import select

from kube_console.costs.engine import request_recompute, run_cost_pass
from kube_console.costs.node_prices import create_rule
from kube_console.models import IDLE_NAMESPACE, CostDaily, CostHourly, NodeHourPrice
from kube_console.settings import Settings
from tests.support.usage import GIB, Figures, NodeSpec, UsageWriter, at, every, session_factory

SETTINGS = Settings(sync_interval_seconds=60, sample_retention_days=14)
CPU, MEMORY, GPU = 0.04, 0.005, 0.95  # the built-in sheet
REGION = {"topology.kubernetes.io/region": "us-east-1"}


def dollars(value: float):
    return pytest.approx(value, abs=1e-6)


def compute(engine, now, **options):
    return run_cost_pass(
        open_session=session_factory(engine), settings=SETTINGS, now=now, **options
    )


def hourly(session, cluster, hour):
    session.expire_all()
    rows = session.exec(
        select(CostHourly).where(CostHourly.cluster_id == cluster.id, CostHourly.hour_start == hour)
    )
    return {row.namespace: row for row in rows}


def node_prices(session, cluster, hour):
    session.expire_all()
    rows = session.exec(
        select(NodeHourPrice).where(
            NodeHourPrice.cluster_id == cluster.id, NodeHourPrice.hour_start == hour
        )
    )
    return {row.node: row for row in rows}


def m5_large(**labels):
    return NodeSpec(
        2, 8 * GIB, labels={**REGION, "node.kubernetes.io/instance-type": "m5.large", **labels}
    )


def web_on_a(session, cluster):
    """web allocates 2 cores on node A (an on-demand m5.large) from 10:00 to 11:00."""
    UsageWriter(session, cluster).steady(
        every(at(10), at(11, 1), 60),
        namespaces={"web": Figures(cpu_request=2, on={"A": (2, 0, 0)})},
        nodes={"A": A},
    )


def split(price, cores, gib, gpus=0):
    """cost-model.md "Split": per-unit prices = the sheet's unit prices × P / W."""
    weight = cores * CPU + gib * MEMORY + gpus * GPU
    return CPU * price / weight, MEMORY * price / weight, GPU * price / weight


# The mixed cluster (EKS): A on-demand m5.large; B a spot m5.xlarge listed from 10:30 only;
# C a g5.xlarge with its GPU. web runs on A, and on B once B is there; ml runs a GPU pod on C;
# queued holds 0.5 core on no listed node.
A = m5_large(**{"eks.amazonaws.com/nodegroup": "general"})
B = NodeSpec(
    4,
    16 * GIB,
    labels={
        **REGION,
        "node.kubernetes.io/instance-type": "m5.xlarge",
        "karpenter.sh/capacity-type": "spot",
    },
)
C = NodeSpec(
    4,
    16 * GIB,
    gpus=1,
    labels={
        **REGION,
        "node.kubernetes.io/instance-type": "g5.xlarge",
        "nvidia.com/gpu.product": "NVIDIA-A10G",
    },
)
P_A, P_B, P_C = 0.096, 0.192 * 0.35, 1.006


def mixed_cluster(session, make, *, org=None, until=None):
    cluster = make.cluster(org or make.org(), provider="eks")
    usage = UsageWriter(session, cluster)
    ml = Figures(cpu_request=2, memory_request=8 * GIB, gpu=1, on={"C": (2, 8 * GIB, 1)})
    queued = Figures(cpu_request=0.5)
    usage.steady(
        every(at(10), at(10, 30), 60),
        namespaces={
            "web": Figures(cpu_request=1, memory_request=2 * GIB, on={"A": (1, 2 * GIB, 0)}),
            "ml": ml,
            "queued": queued,
        },
        nodes={"A": A, "C": C},
    )
    usage.steady(
        every(at(10, 30), until or at(11, 1), 60),
        namespaces={
            "web": Figures(
                cpu_request=3,
                memory_request=6 * GIB,
                on={"A": (1, 2 * GIB, 0), "B": (2, 4 * GIB, 0)},
            ),
            "ml": ml,
            "queued": queued,
        },
        nodes={"A": A, "B": B, "C": C},
    )
    return cluster


def test_a_mixed_cluster_is_priced_from_the_catalogue_node_by_node(session, engine, make):
    cluster = mixed_cluster(session, make)

    [outcome] = compute(engine, at(11, 5))

    assert outcome.error == ""
    rows = hourly(session, cluster, at(10))
    a_cpu, a_memory, _ = split(P_A, 2, 8)  # 0.032, 0.004: P / W = 0.096 / 0.12
    b_cpu, b_memory, _ = split(P_B, 4, 16)  # 0.0112, 0.0014: 0.0672 / 0.24
    c_cpu, c_memory, c_gpu = split(P_C, 4, 16, 1)  # × 1.006 / 1.19
    assert (a_cpu, a_memory) == (pytest.approx(0.032), pytest.approx(0.004))
    assert (b_cpu, b_memory) == (pytest.approx(0.0112), pytest.approx(0.0014))

    web = rows["web"]  # A for the hour, B for its second half
    assert web.cpu_core_hours == pytest.approx(1 * 1 + 2 * 0.5)
    assert web.cpu_cost == dollars(1 * a_cpu * 1 + 2 * b_cpu * 0.5)  # 0.0432
    assert web.memory_cost == dollars(2 * a_memory * 1 + 4 * b_memory * 0.5)  # 0.0108
    assert web.gpu_cost == 0 and web.gpu_hours == 0
    assert web.total_cost == dollars(0.0432 + 0.0108)

    ml = rows["ml"]  # the GPU pod: 2 cores, 8 GiB and 1 GPU of C all hour
    assert ml.gpu_hours == pytest.approx(1.0)
    assert ml.gpu_cost == dollars(c_gpu)
    assert ml.cpu_cost == dollars(2 * c_cpu) and ml.memory_cost == dollars(8 * c_memory)
    assert ml.total_cost == dollars((2 * CPU + 8 * MEMORY + GPU) * P_C / 1.19)

    queued = rows["queued"]  # on no listed node: the sheet's unit prices
    assert queued.cpu_cost == dollars(0.5 * CPU)

    idle = rows[IDLE_NAMESPACE]  # Σ per node of P × covered hours − what namespaces pay on it
    assert idle.cpu_cost == dollars(
        2 * a_cpu + 4 * b_cpu * 0.5 + 4 * c_cpu - (0.0432 + 2 * c_cpu + 0.5 * CPU)
    )
    assert idle.memory_cost == dollars(
        8 * a_memory + 16 * b_memory * 0.5 + 16 * c_memory - (0.0108 + 8 * c_memory)
    )
    assert idle.gpu_cost == dollars(0.0)
    assert idle.gpu_hours == pytest.approx(0.0)
    everything = P_A * 1 + P_B * 0.5 + P_C * 1
    paid = web.total_cost + ml.total_cost + queued.total_cost
    assert idle.total_cost == dollars(everything - paid)
    assert idle.negative_idle_hours == 0

    prices = node_prices(session, cluster, at(10))
    assert {name: (row.price_per_hour, row.source_kind) for name, row in prices.items()} == {
        "A": (pytest.approx(P_A), "catalogue"),
        "B": (pytest.approx(P_B), "catalogue"),
        "C": (pytest.approx(P_C), "catalogue"),
    }
    assert prices["B"].source == "catalogue: aws us-east-1 m5.xlarge, spot × 0.35"
    assert prices["B"].covered_hours == pytest.approx(0.5)


def test_idle_is_shared_per_resource_gpu_included(session, engine, make):
    cluster = make.cluster(make.org(), provider="eks")
    two_gpus = NodeSpec(
        4, 16 * GIB, gpus=2, labels={**C.labels, "node.kubernetes.io/instance-type": "g5.xlarge"}
    )
    UsageWriter(session, cluster).steady(
        every(at(10), at(11, 1), 60),
        namespaces={
            "a": Figures(cpu_request=1, gpu=1, on={"G": (1, 0, 1)}),
            "b": Figures(cpu_request=1, on={"G": (1, 0, 0)}),
        },
        nodes={"G": two_gpus},
    )

    compute(engine, at(11, 5))

    rows = hourly(session, cluster, at(10))
    cpu, _, gpu = split(P_C, 4, 16, 2)  # W = 0.16 + 0.08 + 1.90 = 2.14
    idle = rows[IDLE_NAMESPACE]
    assert idle.gpu_cost == dollars(2 * gpu - gpu) and idle.gpu_hours == pytest.approx(1.0)
    assert rows["a"].idle_gpu_share == dollars(gpu)  # a alone has a GPU cost: it carries it all
    assert rows["b"].idle_gpu_share == 0
    assert rows["a"].idle_cpu_share == dollars((4 - 2) * cpu / 2)  # split by CPU cost, evenly
    assert rows["a"].idle_gpu_share_hours == pytest.approx(1.0)
    assert idle.idle_gpu_share == dollars(-gpu)  # what the idle row gave away
    assert sum(row.total_cost for row in rows.values()) == dollars(P_C)


def test_a_rule_overrides_the_catalogue_from_the_hour_after_its_effective_from(
    session, engine, make
):
    org = make.org()
    create_rule(
        session=session,
        org_id=org.id,
        selector="node.kubernetes.io/instance-type=m5.large",
        price_per_hour=0.2,
        effective_from=at(10, 30),
    )
    session.commit()
    cluster = make.cluster(org, provider="eks")
    UsageWriter(session, cluster).steady(
        every(at(10), at(12, 1), 60),
        namespaces={
            "web": Figures(cpu_request=1, memory_request=2 * GIB, on={"A": (1, 2 * GIB, 0)})
        },
        nodes={"A": A},
    )

    compute(engine, at(12, 5))

    # 10:00 starts before 10:30: the catalogue; 11:00 starts after: the rule (final, no spot).
    catalogue_cpu, catalogue_memory, _ = split(P_A, 2, 8)
    rule_cpu, rule_memory, _ = split(0.2, 2, 8)  # 0.2 / 0.12
    ten, eleven = hourly(session, cluster, at(10)), hourly(session, cluster, at(11))
    assert ten["web"].total_cost == dollars(catalogue_cpu + 2 * catalogue_memory)  # 0.04
    assert eleven["web"].total_cost == dollars(rule_cpu + 2 * rule_memory)  # 0.0666…
    assert eleven[IDLE_NAMESPACE].total_cost == dollars(0.2 - (rule_cpu + 2 * rule_memory))
    assert node_prices(session, cluster, at(11))["A"].source_kind == "rule"
    session.expire_all()
    [day] = session.exec(
        select(CostDaily).where(CostDaily.cluster_id == cluster.id, CostDaily.namespace == "web")
    )
    assert day.total_cost == dollars(0.04 + rule_cpu + 2 * rule_memory)


def test_a_new_rule_reprices_history_only_through_an_explicit_recompute(session, engine, make):
    org = make.org()
    cluster = make.cluster(org, provider="eks")
    web_on_a(session, cluster)
    compute(engine, at(11, 5))
    assert hourly(session, cluster, at(10))["web"].cpu_cost == dollars(2 * 0.032)

    create_rule(
        session=session,
        org_id=org.id,
        selector="eks.amazonaws.com/nodegroup=general",
        price_per_hour=0.12,
        effective_from=at(0),
    )
    session.commit()
    compute(engine, at(12, 5))
    assert hourly(session, cluster, at(10))["web"].cpu_cost == dollars(2 * 0.032)  # unchanged

    request_recompute(
        session=session, org_id=org.id, since=at(10), settings=SETTINGS, now=at(12, 5)
    )
    session.commit()
    compute(engine, at(12, 5))
    assert hourly(session, cluster, at(10))["web"].cpu_cost == dollars(2 * CPU)  # 0.12 = W
    assert node_prices(session, cluster, at(10))["A"].source.startswith("rule #")


def test_nodes_matching_nothing_price_exactly_as_unit_prices(session, engine, make):
    # A kind cluster matches no catalogue row; its m5.large label changes nothing.
    cluster = make.cluster(make.org(), provider="kind")
    UsageWriter(session, cluster).steady(
        every(at(10), at(11, 1), 60),
        namespaces={
            "web": Figures(
                cpu_request=1.5, memory_request=3 * GIB, gpu=1, on={"A": (1.5, 3 * GIB, 1)}
            ),
            "pending": Figures(cpu_request=0.25),
        },
        nodes={"A": NodeSpec(2, 8 * GIB, gpus=1, labels=A.labels)},
    )

    compute(engine, at(11, 5))

    rows = hourly(session, cluster, at(10))
    web = rows["web"]
    assert web.cpu_cost == 1.5 * CPU and web.memory_cost == 3 * MEMORY
    assert web.gpu_cost == GPU and web.gpu_hours == 1.0
    assert web.total_cost == 1.5 * CPU + 3 * MEMORY + GPU
    assert rows["pending"].cpu_cost == 0.25 * CPU
    idle = rows[IDLE_NAMESPACE]
    assert idle.cpu_cost == dollars((2 - 1.5 - 0.25) * CPU)
    assert idle.memory_cost == dollars((8 - 3) * MEMORY)
    assert idle.gpu_cost == dollars(0.0)
    [price] = node_prices(session, cluster, at(10)).values()
    assert (price.source_kind, price.price_per_hour) == (
        "unit prices",
        pytest.approx(2 * CPU + 8 * MEMORY + GPU),
    )
    assert (price.cpu_per_core, price.memory_per_gib, price.gpu_per_gpu) == (CPU, MEMORY, GPU)


def test_a_label_change_inside_an_hour_takes_effect_from_the_next_hour(session, engine, make):
    cluster = make.cluster(make.org(), provider="eks")
    usage = UsageWriter(session, cluster)
    placed = {"web": Figures(cpu_request=2, on={"A": (2, 0, 0)})}
    usage.steady(every(at(10), at(10, 30), 60), namespaces=placed, nodes={"A": A})
    spot = m5_large(**{"karpenter.sh/capacity-type": "spot"})
    usage.steady(every(at(10, 30), at(12, 1), 60), namespaces=placed, nodes={"A": spot})

    compute(engine, at(12, 5))

    assert hourly(session, cluster, at(10))["web"].cpu_cost == dollars(2 * 0.032)
    spot_cpu, _, _ = split(P_A * 0.35, 2, 8)
    assert hourly(session, cluster, at(11))["web"].cpu_cost == dollars(2 * spot_cpu)


def test_a_namespace_whose_labels_change_inside_the_hour_is_split_on_node_prices_too(
    session, engine, make
):
    cluster = make.cluster(make.org(), provider="eks")
    usage = UsageWriter(session, cluster)
    usage.steady(
        every(at(10), at(10, 15), 60),
        namespaces={"web": Figures(cpu_request=2, team="red", on={"A": (2, 0, 0)})},
        nodes={"A": A},
    )
    usage.steady(
        every(at(10, 15), at(11, 1), 60),
        namespaces={"web": Figures(cpu_request=2, team="blue", on={"A": (2, 0, 0)})},
        nodes={"A": A},
    )

    compute(engine, at(11, 5))

    session.expire_all()
    rows = {
        row.team: row
        for row in session.exec(
            select(CostHourly).where(
                CostHourly.cluster_id == cluster.id, CostHourly.namespace == "web"
            )
        )
    }
    assert rows["red"].cpu_cost == dollars(2 * 0.032 * 0.25)
    assert rows["blue"].cpu_cost == dollars(2 * 0.032 * 0.75)


def test_rerunning_an_hour_gives_identical_rows_and_node_prices(session, engine, make):
    cluster = mixed_cluster(session, make)
    compute(engine, at(11, 5))
    first = {
        name: row.model_dump(exclude={"id"})
        for name, row in hourly(session, cluster, at(10)).items()
    }
    first_prices = {
        name: row.model_dump() for name, row in node_prices(session, cluster, at(10)).items()
    }

    compute(engine, at(11, 5), start=at(10))

    again = {
        name: row.model_dump(exclude={"id"})
        for name, row in hourly(session, cluster, at(10)).items()
    }
    assert again == first
    assert {
        name: row.model_dump() for name, row in node_prices(session, cluster, at(10)).items()
    } == first_prices


def test_a_sheet_of_zero_prices_leaves_the_whole_node_price_idle(session, engine, make):
    from kube_console.models import PriceSheet

    org = make.org()
    session.add(
        PriceSheet(
            org_id=org.id,
            effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            cpu_core_hour=0,
            memory_gib_hour=0,
            gpu_hour=0,
            storage_gib_hour=0,
            network_gb=0,
        )
    )
    session.commit()
    cluster = make.cluster(org, provider="eks")
    web_on_a(session, cluster)

    compute(engine, at(11, 5))

    rows = hourly(session, cluster, at(10))
    assert rows["web"].total_cost == 0
    assert rows[IDLE_NAMESPACE].total_cost == dollars(P_A)


def test_pruning_samples_takes_their_node_rows_and_the_label_sets_no_sample_uses(session, make):
    from kube_console.models import NamespaceNodeSample, NodeLabelSet, NodeUsageSample
    from kube_console.services.sync import prune_samples

    cluster = make.cluster(make.org(), provider="eks")
    usage = UsageWriter(session, cluster)
    placed = {"web": Figures(cpu_request=2, on={"A": (2, 0, 0)})}
    usage.steady(every(at(8), at(9), 600), namespaces=placed, nodes={"A": A})
    usage.steady(every(at(10), at(11), 600), namespaces=placed, nodes={"A": B})  # relabelled

    prune_samples(session=session, older_than=at(9, 30))
    session.commit()

    kept = session.exec(select(NodeUsageSample)).all()
    assert {sample.sampled_at for sample in kept} == set(every(at(10), at(11), 600))
    assert len(session.exec(select(NamespaceNodeSample)).all()) == 6
    [label_set] = session.exec(select(NodeLabelSet)).all()  # A's old labels went with them
    assert label_set.labels == dict(B.labels)
