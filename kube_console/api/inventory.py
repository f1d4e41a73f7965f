"""REST routes for what clusters run: a namespace's deployments and pods, a deployment and its
pods, a pod, Helm releases, and usage over time of a cluster or a namespace."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from kube_console.api import errors
from kube_console.api.caller import Caller, DbSession
from kube_console.api.params import (
    DEFAULT_LIMIT,
    Cursor,
    Id,
    Limit,
    OptionalIdFilter,
    as_page,
    page_request,
)
from kube_console.api.schemas import (
    ClusterUsage,
    DeploymentDetail,
    DeploymentItem,
    DeploymentPage,
    HelmReleaseItem,
    HelmReleasePage,
    NamespaceUsage,
    PodDetail,
    PodItem,
    PodPage,
)
from kube_console.security.authz import Action, authorize
from kube_console.services import explore, usage_series
from kube_console.services.explore import WORKLOAD_KINDS

router = APIRouter(tags=["inventory"])
BY_ID = {**errors.NOT_FOUND}

PodPhase = Literal["Pending", "Running", "Succeeded", "Failed", "Unknown"]
UsageWindow = Annotated[
    usage_series.UsageWindow,
    Query(description="24h in 5-minute buckets, or 7d in hourly ones"),
]


@router.get(
    "/namespaces/{id}/deployments",
    response_model=DeploymentPage,
    responses=BY_ID,
    summary="A namespace's deployments",
)
def namespace_deployments(
    id: Id,
    ctx: Caller,
    session: DbSession,
    kind: Annotated[
        Literal[WORKLOAD_KINDS],  # type: ignore[valid-type]
        Query(description="the other workloads the console tracks are listed with their kind"),
    ] = "Deployment",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = "",
) -> DeploymentPage:
    """Deployments (or StatefulSets, DaemonSets) by name, with their replica health."""
    authorize(ctx, Action.READ)
    page = explore.list_workloads(
        session=session,
        org_id=ctx.org_id,
        request=page_request(limit, cursor),
        namespace_id=id,
        kind=kind,
    )
    return as_page(DeploymentPage, DeploymentItem.of, page)


@router.get(
    "/deployments/{id}",
    response_model=DeploymentDetail,
    responses=BY_ID,
    summary="Deployment details",
)
def deployment_detail(id: Id, ctx: Caller, session: DbSession) -> DeploymentDetail:
    """Replicas, each container's requests and limits, pod counts and the deployment's share of
    its namespace's month-to-date cost. Serves StatefulSets and DaemonSets by their ids too."""
    authorize(ctx, Action.READ)
    return DeploymentDetail.build(
        explore.workload_detail(session=session, org_id=ctx.org_id, workload_id=id)
    )


@router.get(
    "/deployments/{id}/pods", response_model=PodPage, responses=BY_ID, summary="A deployment's pods"
)
def deployment_pods(
    id: Id, ctx: Caller, session: DbSession, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = ""
) -> PodPage:
    authorize(ctx, Action.READ)
    page = explore.list_pods(
        session=session, org_id=ctx.org_id, request=page_request(limit, cursor), workload_id=id
    )
    return as_page(PodPage, PodItem.of, page)


@router.get(
    "/namespaces/{id}/pods", response_model=PodPage, responses=BY_ID, summary="A namespace's pods"
)
def namespace_pods(
    id: Id,
    ctx: Caller,
    session: DbSession,
    phase: Annotated[PodPhase | None, Query()] = None,
    node: Annotated[str, Query(max_length=253, description="node name")] = "",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = "",
) -> PodPage:
    authorize(ctx, Action.READ)
    page = explore.list_pods(
        session=session,
        org_id=ctx.org_id,
        request=page_request(limit, cursor),
        namespace_id=id,
        phase=phase,
        node=node,
    )
    return as_page(PodPage, PodItem.of, page)


@router.get("/pods/{id}", response_model=PodDetail, responses=BY_ID, summary="Pod details")
def pod_detail(id: Id, ctx: Caller, session: DbSession) -> PodDetail:
    """Containers with requests, limits, usage, restarts and state; node, owner and labels."""
    authorize(ctx, Action.READ)
    return PodDetail.build(explore.pod_detail(session=session, org_id=ctx.org_id, pod_id=id))


@router.get(
    "/helm/releases",
    response_model=HelmReleasePage,
    responses=BY_ID,
    tags=["helm"],
    summary="Helm releases",
)
def helm_releases(
    ctx: Caller,
    session: DbSession,
    cluster_id: OptionalIdFilter = None,
    namespace: Annotated[str, Query(max_length=253, description="namespace name")] = "",
    status: Annotated[str, Query(max_length=64, description="deployed, failed, ...")] = "",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = "",
) -> HelmReleasePage:
    """Releases across the organization's clusters (or one: a cluster of another organization
    is 404), with chart and app versions. Values are never stored."""
    authorize(ctx, Action.READ)
    page = explore.list_helm_releases(
        session=session,
        org_id=ctx.org_id,
        request=page_request(limit, cursor),
        cluster_id=cluster_id,
        namespace=namespace,
        status=status,
    )
    return as_page(HelmReleasePage, HelmReleaseItem.of, page)


@router.get(
    "/metrics/cluster/{id}",
    response_model=ClusterUsage,
    responses=BY_ID,
    tags=["metrics"],
    summary="A cluster's usage over time",
)
def cluster_metrics(
    id: Id, ctx: Caller, session: DbSession, window: UsageWindow = "24h"
) -> ClusterUsage:
    """CPU and memory capacity, allocatable, requested and used per bucket, and network when
    known."""
    authorize(ctx, Action.READ)
    return ClusterUsage.build(
        usage_series.cluster_usage_series(
            session=session, org_id=ctx.org_id, cluster_id=id, window=window
        )
    )


@router.get(
    "/metrics/namespace/{id}",
    response_model=NamespaceUsage,
    responses=BY_ID,
    tags=["metrics"],
    summary="A namespace's usage over time",
)
def namespace_metrics(
    id: Id, ctx: Caller, session: DbSession, window: UsageWindow = "24h"
) -> NamespaceUsage:
    """CPU and memory requests and usage per bucket, and network when known."""
    authorize(ctx, Action.READ)
    return NamespaceUsage.build(
        usage_series.namespace_usage_series(
            session=session, org_id=ctx.org_id, namespace_id=id, window=window
        )
    )
