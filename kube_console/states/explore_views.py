"""The drill-down services' records turned into what the pages show: figures written with their
units, ratios capped for meters, ids of unsynced objects as 0. Pure: no DB, no Reflex."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from kube_console import routes
from kube_console.costs.rows import NodePriceNow
from kube_console.formatting import (
    UNKNOWN,
    counted,
    format_bytes,
    format_cores,
    format_duration_of_days,
    format_money,
    format_percent,
    format_unit_price,
)
from kube_console.services.clusters import data_is_stale
from kube_console.services.explore_records import (
    ClusterOverview,
    HelmReleaseDetail,
    HelmReleaseRow,
    NamespaceDetail,
    NamespaceRow,
    NodeRow,
    PodDetail,
    PodRow,
    PvcRow,
    WorkloadDetail,
    WorkloadRow,
)
from kube_console.services.freshness import freshness, stale_hint
from kube_console.services.search import SearchHit
from kube_console.services.usage_series import (
    LOW_EFFICIENCY,
    MIN_DAYS_OF_DATA,
    NamespaceEfficiency,
    ResourceEfficiency,
)
from kube_console.states.explore_view_models import (
    ClusterView,
    ContainerLimitsRow,
    ContainerStatusView,
    EfficiencyView,
    HelmReleaseView,
    HelmRevisionView,
    HelmTableRow,
    LabelPair,
    NamespaceTableRow,
    NamespaceView,
    NodeTableRow,
    PodTableRow,
    PodView,
    PvcTableRow,
    ResourceBar,
    SearchOption,
    WorkloadTableRow,
    WorkloadView,
)

SEARCH_KINDS = {
    "cluster": "Cluster",
    "namespace": "Namespace",
    "pod": "Pod",
    "helm_release": "Helm release",
}


def _meter(ratio: float | None) -> float:
    return min(max(ratio or 0.0, 0.0), 1.0)


def _labels(labels: Mapping[str, str]) -> list[LabelPair]:
    return [LabelPair(key=key, value=value) for key, value in sorted(labels.items())]


def _month(iso_day: str) -> str:
    return dt.date.fromisoformat(iso_day).strftime("%B %Y") if iso_day else ""


def _of(part: str, whole: str, unit: str) -> str:
    """ "8 / 10 running", or "8 / 10" without a unit word."""
    return f"{part} / {whole} {unit}".rstrip()


def _resource_bars(
    capacity: float,
    allocatable: float,
    requested: float,
    used: float | None,
    shown: Callable[[float | None], str],
) -> list[ResourceBar]:
    largest = max(capacity, allocatable, requested, used or 0.0) or 1.0
    figures = [
        ("Capacity", capacity),
        ("Allocatable", allocatable),
        ("Requested", requested),
        ("Used", used),
    ]
    return [
        ResourceBar(
            label=label,
            amount=shown(value),
            fraction=(value or 0.0) / largest,
            known=value is not None,
        )
        for label, value in figures
    ]


def cluster_view(
    overview: ClusterOverview, *, sync_interval_seconds: int, now: dt.datetime
) -> ClusterView:
    health = overview.health
    currency = overview.currency
    fresh = freshness(
        last_success_at=health.last_success_at,
        status=health.status,
        sync_interval_seconds=sync_interval_seconds,
        now=now,
    )
    return ClusterView(
        id=overview.id,
        name=overview.name,
        environment=overview.environment,
        provider_name=overview.provider_name or overview.provider or "Unknown provider",
        version=overview.version,
        status=overview.health.status,
        nodes=_of(str(overview.ready_node_count), str(overview.node_count), "ready"),
        namespace_count=overview.namespace_count,
        pods=_of(str(overview.running_pod_count), str(overview.pod_count), "running"),
        api_latency=f"{health.api_latency_ms:,.0f} ms"
        if health.api_latency_ms is not None
        else UNKNOWN,
        metrics_available=health.metrics_available,
        last_sync_at=health.last_sync_at,
        last_success_at=health.last_success_at,
        last_error=health.last_error,
        data_stale=data_is_stale(status=health.status, last_success_at=health.last_success_at),
        stale=fresh.stale,
        stale_hint=stale_hint(fresh),
        last_attempt_failed=fresh.last_attempt_failed,
        sync_notes=list(health.notes),
        health_ok=health.ok,
        health_endpoint=health.endpoint,
        components=list(health.components),
        problems=[f"{kind}: {text}" for kind, text in sorted(health.problems.items())],
        cpu_bars=_resource_bars(
            overview.cpu_capacity_cores,
            overview.cpu_allocatable_cores,
            overview.cpu_requested_cores,
            overview.cpu_used_cores,
            format_cores,
        ),
        memory_bars=_resource_bars(
            overview.memory_capacity_bytes,
            overview.memory_allocatable_bytes,
            overview.memory_requested_bytes,
            overview.memory_used_bytes,
            format_bytes,
        ),
        month=_month(overview.month),
        cost=format_money(overview.month_to_date_cost, currency),
        idle_cost=format_money(overview.month_to_date_idle_cost, currency),
        idle_negative=overview.month_to_date_idle_cost < 0,
        total_cost=format_money(
            overview.month_to_date_cost + overview.month_to_date_idle_cost, currency
        ),
    )


def namespace_table_row(row: NamespaceRow) -> NamespaceTableRow:
    return NamespaceTableRow(
        id=row.id,
        name=row.name,
        cluster_id=row.cluster_id,
        cluster_name=row.cluster_name,
        team=row.team,
        cost_center=row.cost_center,
        pods=_of(str(row.pods_running), str(row.pods_total), ""),
        cpu_request=format_cores(row.cpu_request_cores),
        cpu_usage=format_cores(row.cpu_usage_cores),
        memory_request=format_bytes(row.memory_request_bytes),
        memory_usage=format_bytes(row.memory_usage_bytes),
        cost=format_money(row.month_to_date_cost, row.currency),
        created_at=row.created_at,
    )


def node_table_row(row: NodeRow, price: NodePriceNow | None = None) -> NodeTableRow:
    return NodeTableRow(
        price=f"{format_unit_price(price.price_per_hour, price.currency)}/h" if price else UNKNOWN,
        price_source=price.source if price else "",
        id=row.id,
        name=row.name,
        status=row.status,
        ready=row.ready,
        cordoned=row.unschedulable,
        roles=", ".join(row.roles) or "worker",
        instance_type=row.instance_type or UNKNOWN,
        zone=row.zone or UNKNOWN,
        spot=row.spot,
        allocatable_cpu=format_cores(row.allocatable_cpu_cores),
        allocatable_memory=format_bytes(row.allocatable_memory_bytes),
        cpu_requested=format_percent(row.cpu_requested_ratio),
        memory_requested=format_percent(row.memory_requested_ratio),
        cpu_used=format_percent(row.cpu_used_ratio),
        memory_used=format_percent(row.memory_used_ratio),
        cpu_requested_ratio=_meter(row.cpu_requested_ratio),
        memory_requested_ratio=_meter(row.memory_requested_ratio),
        cpu_used_ratio=_meter(row.cpu_used_ratio),
        memory_used_ratio=_meter(row.memory_used_ratio),
        pods=_of(str(row.pods), str(row.allocatable_pods), "")
        if row.allocatable_pods
        else str(row.pods),
        created_at=row.created_at,
    )


def workload_table_row(row: WorkloadRow) -> WorkloadTableRow:
    return WorkloadTableRow(
        id=row.id,
        kind=row.kind,
        name=row.name,
        namespace=row.namespace,
        namespace_id=row.namespace_id or 0,
        cluster_id=row.cluster_id,
        cluster_name=row.cluster_name,
        ready=_of(str(row.replicas_ready), str(row.replicas_desired), ""),
        available=row.replicas_available,
        updated=row.replicas_updated,
        health=row.health,
        cpu_request=format_cores(row.cpu_request_cores),
        memory_request=format_bytes(row.memory_request_bytes),
        created_at=row.created_at,
    )


def pod_table_row(row: PodRow) -> PodTableRow:
    return PodTableRow(
        id=row.id,
        name=row.name,
        namespace=row.namespace,
        namespace_id=row.namespace_id or 0,
        cluster_id=row.cluster_id,
        cluster_name=row.cluster_name,
        phase=row.phase or "Unknown",
        node=row.node_name,
        owner_kind=row.owner_kind,
        owner_name=row.owner_name,
        workload_id=row.workload_id or 0,
        ready=f"{row.containers_ready}/{row.containers_total}",
        restarts=row.restarts,
        reason=row.status_reason,
        reason_message=row.status_message,
        cpu_request=format_cores(row.cpu_request_cores),
        cpu_usage=format_cores(row.cpu_usage_cores),
        memory_request=format_bytes(row.memory_request_bytes),
        memory_usage=format_bytes(row.memory_usage_bytes),
        created_at=row.created_at,
    )


def pvc_table_row(row: PvcRow) -> PvcTableRow:
    return PvcTableRow(
        id=row.id,
        name=row.name,
        phase=row.phase or "Unknown",
        storage_class=row.storage_class or UNKNOWN,
        capacity=format_bytes(
            row.capacity_bytes if row.capacity_bytes is not None else row.requested_bytes
        ),
        access_modes=", ".join(row.access_modes) or UNKNOWN,
        mounted_by=", ".join(row.mounted_by) or "No pod",
        created_at=row.created_at,
    )


def helm_table_row(row: HelmReleaseRow) -> HelmTableRow:
    return HelmTableRow(
        id=row.id,
        name=row.name,
        namespace=row.namespace,
        namespace_id=row.namespace_id or 0,
        cluster_id=row.cluster_id,
        cluster_name=row.cluster_name,
        chart=row.chart,
        chart_version=row.chart_version or UNKNOWN,
        app_version=row.app_version or UNKNOWN,
        status=row.status or "unknown",
        revision=row.revision,
        updated_at=row.updated_at,
    )


def helm_release_view(detail: HelmReleaseDetail) -> HelmReleaseView:
    return HelmReleaseView(
        release=helm_table_row(detail.release),
        description=detail.release.description,
        history=[
            HelmRevisionView(
                revision=revision.revision,
                status=revision.status,
                chart=f"{revision.chart} {revision.chart_version}".strip() or UNKNOWN,
                app_version=revision.app_version or UNKNOWN,
                updated_at=revision.updated_at,
                description=revision.description,
            )
            for revision in detail.history
        ],
        deleted_at=detail.deleted_at,
    )


def namespace_view(detail: NamespaceDetail) -> NamespaceView:
    row = detail.namespace
    return NamespaceView(
        id=row.id,
        name=row.name,
        cluster_id=row.cluster_id,
        cluster_name=row.cluster_name,
        team=row.team,
        cost_center=row.cost_center,
        phase=row.phase or "Active",
        labels=_labels(detail.labels),
        pods=_of(str(row.pods_running), str(row.pods_total), "running"),
        cpu_request=format_cores(row.cpu_request_cores),
        cpu_usage=format_cores(row.cpu_usage_cores),
        memory_request=format_bytes(row.memory_request_bytes),
        memory_usage=format_bytes(row.memory_usage_bytes),
        cost=format_money(row.month_to_date_cost, row.currency),
        workload_count=detail.workload_count,
        pvc_count=detail.pvc_count,
        storage=format_bytes(detail.storage_bytes),
        created_at=row.created_at,
        deleted_at=detail.deleted_at,
    )


NO_USAGE_DATA = "No usage data"


def _no_hint_reason(figures: ResourceEfficiency, efficiency: NamespaceEfficiency) -> str:
    if figures.hint:
        return ""
    if not efficiency.samples and efficiency.samples_without_usage:
        return (
            f"{NO_USAGE_DATA}: the cluster reported no usage (metrics.k8s.io) in the last "
            f"{efficiency.window_days} days, so there is nothing to size the requests against."
        )
    if figures.efficiency is None:
        return "Nothing is requested, so there is nothing to right-size."
    if figures.efficiency < LOW_EFFICIENCY and efficiency.days_of_data < MIN_DAYS_OF_DATA:
        return "Usage sits low, but a hint waits for at least a day of samples."
    return "Requests fit usage: nothing to advise."


def _efficiency_view(
    figures: ResourceEfficiency, efficiency: NamespaceEfficiency
) -> EfficiencyView:
    shown = format_cores if figures.resource == "cpu" else format_bytes
    usage_known = efficiency.samples > 0 or not efficiency.samples_without_usage
    unknown_reason = ""
    if figures.efficiency is None:
        unknown_reason = NO_USAGE_DATA if not usage_known else "No requests to compare"
    return EfficiencyView(
        resource="CPU" if figures.resource == "cpu" else "Memory",
        efficiency=format_percent(figures.efficiency),
        ratio=_meter(figures.efficiency),
        known=figures.efficiency is not None,
        unknown_reason=unknown_reason,
        average_request=shown(figures.average_request),
        average_usage=shown(figures.average_usage if usage_known else None),
        p95_usage=shown(figures.p95_usage if usage_known else None),
        suggested_request=(
            shown(figures.suggested_request) if figures.suggested_request is not None else ""
        ),
        hint=figures.hint,
        no_hint_reason=_no_hint_reason(figures, efficiency),
    )


def efficiency_views(efficiency: NamespaceEfficiency) -> list[EfficiencyView]:
    return [
        _efficiency_view(figures, efficiency) for figures in (efficiency.cpu, efficiency.memory)
    ]


def efficiency_basis(efficiency: NamespaceEfficiency) -> str:
    """What the efficiency figures rest on, in words."""
    if not efficiency.samples and efficiency.samples_without_usage:
        return (
            f"{counted(efficiency.samples_without_usage, 'sample')} in the last "
            f"{efficiency.window_days} days, none with usage metrics: the cluster does not "
            "report usage (metrics.k8s.io)."
        )
    if not efficiency.samples:
        return f"No samples with usage metrics in the last {efficiency.window_days} days yet."
    return (
        f"{counted(efficiency.samples, 'sample')} with usage metrics over "
        f"{format_duration_of_days(efficiency.days_of_data)} of the last "
        f"{efficiency.window_days} days."
    )


def workload_view(detail: WorkloadDetail) -> WorkloadView:
    row, share = detail.workload, detail.cost_share
    return WorkloadView(
        id=row.id,
        kind=row.kind,
        name=row.name,
        namespace=row.namespace,
        namespace_id=row.namespace_id or 0,
        cluster_id=row.cluster_id,
        cluster_name=row.cluster_name,
        health=row.health,
        desired=row.replicas_desired,
        ready=row.replicas_ready,
        available=row.replicas_available,
        updated=row.replicas_updated,
        labels=_labels(detail.labels),
        selector=_labels(detail.selector),
        containers=[
            ContainerLimitsRow(
                name=container.name,
                image=container.image,
                cpu_request=format_cores(container.cpu_request_cores),
                cpu_limit=format_cores(container.cpu_limit_cores),
                memory_request=format_bytes(container.memory_request_bytes),
                memory_limit=format_bytes(container.memory_limit_bytes),
            )
            for container in detail.containers
        ],
        pods=_of(str(detail.pods_running), str(detail.pods_total), "running"),
        cpu_request=format_cores(row.cpu_request_cores),
        memory_request=format_bytes(row.memory_request_bytes),
        month=_month(share.month),
        cost=format_money(share.cost, share.currency),
        share_of_namespace=format_percent(share.share_of_namespace_cost),
        namespace_cost=format_money(share.namespace_cost, share.currency),
        cpu_share=(
            f"{format_percent(share.cpu_share)} · {format_cores(share.cpu_alloc_cores)} of "
            f"{format_cores(share.namespace_cpu_alloc_cores)}"
        ),
        memory_share=(
            f"{format_percent(share.memory_share)} · {format_bytes(share.memory_alloc_bytes)} of "
            f"{format_bytes(share.namespace_memory_alloc_bytes)}"
        ),
        pods_counted=share.pods_counted,
        created_at=row.created_at,
        deleted_at=detail.deleted_at,
    )


def _state_words(state: str) -> str:
    """ "waiting:CrashLoopBackOff" -> "waiting: CrashLoopBackOff"."""
    kind, _, reason = state.partition(":")
    return f"{kind}: {reason}" if reason else kind or "unknown"


def pod_view(detail: PodDetail) -> PodView:
    row = detail.pod
    containers = detail.containers
    return PodView(
        id=row.id,
        name=row.name,
        namespace=row.namespace,
        namespace_id=row.namespace_id or 0,
        cluster_id=row.cluster_id,
        cluster_name=row.cluster_name,
        phase=row.phase or "Unknown",
        node=row.node_name,
        owner_kind=row.owner_kind,
        owner_name=row.owner_name,
        workload_id=row.workload_id or 0,
        qos_class=detail.qos_class or UNKNOWN,
        ready=f"{row.containers_ready}/{row.containers_total}",
        restarts=row.restarts,
        reason=row.status_reason,
        reason_message=row.status_message,
        cpu_request=format_cores(row.cpu_request_cores),
        cpu_limit=format_cores(detail.cpu_limit_cores)
        if detail.cpu_limit_cores is not None
        else "No limit",
        cpu_usage=format_cores(row.cpu_usage_cores),
        memory_request=format_bytes(row.memory_request_bytes),
        memory_limit=(
            format_bytes(detail.memory_limit_bytes)
            if detail.memory_limit_bytes is not None
            else "No limit"
        ),
        memory_usage=format_bytes(row.memory_usage_bytes),
        labels=_labels(detail.labels),
        pvc_claims=list(detail.pvc_claims),
        containers=[
            ContainerStatusView(
                name=container.name,
                image=container.image,
                state=_state_words(container.state),
                last_state=_state_words(container.last_state) if container.last_state else "",
                running=container.state.startswith("running"),
                ready=container.ready,
                restarts=container.restarts,
                cpu_request=format_cores(container.cpu_request_cores),
                cpu_limit=format_cores(container.cpu_limit_cores)
                if container.cpu_limit_cores is not None
                else "No limit",
                cpu_usage=format_cores(container.cpu_usage_cores),
                memory_request=format_bytes(container.memory_request_bytes),
                memory_limit=format_bytes(container.memory_limit_bytes)
                if container.memory_limit_bytes is not None
                else "No limit",
                memory_usage=format_bytes(container.memory_usage_bytes),
            )
            for container in containers
        ],
        created_at=row.created_at,
        start_time=detail.start_time,
        deleted_at=detail.deleted_at,
    )


def search_option(hit: SearchHit) -> SearchOption:
    """A search hit as the top bar lists it, with the page it opens."""
    if hit.kind == "cluster":
        href, context = routes.cluster(hit.id), hit.detail
    elif hit.kind == "namespace":
        href, context = routes.namespace(hit.id), hit.cluster_name
    elif hit.kind == "workload":
        href, context = routes.workload(hit.id), f"{hit.cluster_name} / {hit.namespace}"
    elif hit.kind == "pod":
        href, context = routes.pod(hit.id), f"{hit.cluster_name} / {hit.namespace}"
    else:
        href = routes.helm(cluster=hit.cluster_id, namespace=hit.namespace, q=hit.name)
        context = f"{hit.cluster_name} / {hit.namespace}"
    return SearchOption(
        kind=hit.detail if hit.kind == "workload" else SEARCH_KINDS.get(hit.kind, hit.kind),
        name=hit.name,
        context=context,
        detail="" if hit.kind in ("cluster", "workload") else hit.detail,
        href=href,
    )
