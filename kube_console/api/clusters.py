"""REST routes for clusters: register, list, details, update, delete, sync now and its run,
health, a cluster's namespaces and nodes, and the workers' status.

Each route authorizes with the one policy (security/authz.py) and calls the services the
pages call; another organization's id is "not found", from the services' org scoping.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session

from kube_console.api import errors
from kube_console.api.caller import Caller, DbSession
from kube_console.api.params import DEFAULT_LIMIT, Cursor, Id, Limit, RunId, as_page, page_request
from kube_console.api.schemas import (
    ClusterDeletion,
    ClusterDetail,
    ClusterHealth,
    ClusterItem,
    ClusterPage,
    ClusterRegistered,
    Environment,
    ErrorResponse,
    FirstSync,
    NamespaceItem,
    NamespacePage,
    NodeItem,
    NodePage,
    RegisterCluster,
    Run,
    SyncAccepted,
    UpdateCluster,
    WorkerStatus,
)
from kube_console.cluster_terms import ClusterStatus
from kube_console.security.authz import Action, AuthContext, authorize
from kube_console.security.keyring import get_keyring
from kube_console.services import clusters as cluster_service
from kube_console.services import explore, sync_scheduling
from kube_console.services import workers as worker_service
from kube_console.settings import get_settings

router = APIRouter(tags=["clusters"])
ADMIN = {**errors.FORBIDDEN}
BY_ID = {**errors.NOT_FOUND}
ALREADY_REGISTERED: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "The kubeconfig reaches a cluster your organization has registered already; "
        "the message names it",
    }
}


def _detail(session: Session, ctx: AuthContext, cluster_id: int) -> ClusterDetail:
    card = cluster_service.get_cluster(session=session, org_id=ctx.org_id, cluster_id=cluster_id)
    overview = explore.cluster_overview(session=session, org_id=ctx.org_id, cluster_id=cluster_id)
    return ClusterDetail.build(card, overview)


@router.post(
    "/clusters",
    status_code=201,
    response_model=ClusterRegistered,
    responses={**ADMIN, **errors.KEYRING_MISSING, **ALREADY_REGISTERED},
    summary="Register a cluster (admin)",
)
def register_cluster(
    body: RegisterCluster, ctx: Caller, session: DbSession, request: Request, response: Response
) -> ClusterRegistered:
    """Validate the kubeconfig as the form does (each refused field is named as
    `kubeconfig.<path>`), connect, detect version and provider, store the credential encrypted
    and run the first sync. A cluster that can't be reached is a 422 on `kubeconfig` with code
    `connection_failed`; one already registered in the organization, under any name, a 409."""
    authorize(ctx, Action.MANAGE_CLUSTERS)
    keyring = get_keyring()
    card, outcome = cluster_service.register_cluster(
        org_id=ctx.org_id,
        name=body.name,
        environment=body.environment,
        kubeconfig=body.kubeconfig,
        context=body.context,
        acknowledge_insecure_tls=body.acknowledge_insecure_tls,
        keyring=keyring,
        settings=get_settings(),
    )
    detail = _detail(session, ctx, card.id)
    response.headers["Location"] = request.url_for("get_cluster", id=card.id).path
    return ClusterRegistered(
        cluster=detail,
        first_sync=FirstSync(
            status=outcome.status,
            duration_ms=outcome.duration_ms,
            pods=outcome.pods,
            error=outcome.error,
        ),
    )


@router.get("/clusters", response_model=ClusterPage, summary="List clusters")
def list_clusters(
    ctx: Caller,
    session: DbSession,
    status: Annotated[ClusterStatus | None, Query()] = None,
    environment: Annotated[Environment | None, Query()] = None,
    provider: Annotated[str, Query(max_length=64, description="eks, gke, aks, k3s, ...")] = "",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = "",
) -> ClusterPage:
    """The organization's clusters by name, with counts and month-to-date cost."""
    authorize(ctx, Action.READ)
    page = explore.list_cluster_rows(
        session=session,
        org_id=ctx.org_id,
        request=page_request(limit, cursor),
        status=status,
        environment=environment,
        provider=provider,
    )
    return as_page(ClusterPage, ClusterItem.of, page)


@router.get(
    "/clusters/{id}", response_model=ClusterDetail, responses=BY_ID, summary="Cluster details"
)
def get_cluster(id: Id, ctx: Caller, session: DbSession) -> ClusterDetail:
    """The cluster's card, capacity and month-to-date cost. The credential is never shown: only
    its server host, user name, kind and certificate expiry."""
    authorize(ctx, Action.READ)
    return _detail(session, ctx, id)


@router.patch(
    "/clusters/{id}",
    response_model=ClusterDetail,
    responses={**ADMIN, **BY_ID, **errors.KEYRING_MISSING, **ALREADY_REGISTERED},
    summary="Update a cluster (admin)",
)
def update_cluster(id: Id, body: UpdateCluster, ctx: Caller, session: DbSession) -> ClusterDetail:
    """Rename, move environment, or replace the credential (validated and tested again, like
    registration). Fields left out keep their value."""
    authorize(ctx, Action.MANAGE_CLUSTERS)
    replaces_credential = bool(body.kubeconfig and body.kubeconfig.strip())
    cluster_service.update_cluster(
        org_id=ctx.org_id,
        cluster_id=id,
        name=body.name,
        environment=body.environment or None,
        kubeconfig=body.kubeconfig,
        context=body.context,
        acknowledge_insecure_tls=body.acknowledge_insecure_tls,
        # Keys are needed only to store a new credential; a rename works without them.
        keyring=get_keyring() if replaces_credential else None,
        settings=get_settings(),
    )
    return _detail(session, ctx, id)


@router.delete(
    "/clusters/{id}",
    response_model=ClusterDeletion,
    responses={**ADMIN, **BY_ID},
    summary="Delete a cluster and everything synced from it (admin)",
)
def delete_cluster(
    id: Id,
    ctx: Caller,
    session: DbSession,
    dry_run: Annotated[bool, Query(description="only say what deleting would remove")] = False,
) -> ClusterDeletion:
    """Deletes the cluster, its credential and, in cascade, its inventory, samples and costs;
    answers with what was removed."""
    authorize(ctx, Action.MANAGE_CLUSTERS)
    preview = cluster_service.deletion_preview(session=session, org_id=ctx.org_id, cluster_id=id)
    if not dry_run:
        cluster_service.delete_cluster(session=session, org_id=ctx.org_id, cluster_id=id)
    return ClusterDeletion.of(preview, deleted=not dry_run)


@router.post(
    "/clusters/{id}/sync",
    status_code=202,
    response_model=SyncAccepted,
    responses={**ADMIN, **BY_ID, **errors.KEYRING_MISSING},
    summary="Sync a cluster now (admin)",
)
def sync_cluster(
    id: Id, ctx: Caller, session: DbSession, request: Request, response: Response
) -> SyncAccepted:
    """Queues a sync (the cluster is due at once; the worker that claims it runs it) and
    answers 202 with the run to follow: GET its `status_url`. Asking again while it is
    queued answers the same run."""
    authorize(ctx, Action.TRIGGER_SYNC)
    get_keyring()  # refuse early: without keys no worker could read the credential
    run_id = sync_scheduling.request_sync(
        session=session, org_id=ctx.org_id, cluster_id=id, trigger="api"
    )
    status_url = request.url_for("get_run", id=run_id).path
    response.headers["Location"] = status_url
    return SyncAccepted(run_id=run_id, status_url=status_url)


@router.get("/runs/{id}", response_model=Run, responses=BY_ID, summary="A sync run's progress")
def get_run(id: RunId, ctx: Caller, session: DbSession) -> Run:
    authorize(ctx, Action.READ)
    return Run.of(worker_service.get_run(session=session, org_id=ctx.org_id, run_id=id))


@router.get(
    "/clusters/{id}/health", response_model=ClusterHealth, responses=BY_ID, summary="Cluster health"
)
def cluster_health(id: Id, ctx: Caller, session: DbSession) -> ClusterHealth:
    """The API server's health components and latency, and what failed, as of the last sync."""
    authorize(ctx, Action.READ)
    return ClusterHealth.of(
        explore.cluster_health(session=session, org_id=ctx.org_id, cluster_id=id)
    )


@router.get(
    "/clusters/{id}/namespaces",
    response_model=NamespacePage,
    responses=BY_ID,
    summary="A cluster's namespaces",
)
def cluster_namespaces(
    id: Id,
    ctx: Caller,
    session: DbSession,
    team: Annotated[str, Query(max_length=253)] = "",
    cost_center: Annotated[str, Query(max_length=253)] = "",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = "",
) -> NamespacePage:
    """Namespaces by name with team, cost-center, pods, requests, usage and month-to-date cost."""
    authorize(ctx, Action.READ)
    page = explore.list_namespaces(
        session=session,
        org_id=ctx.org_id,
        request=page_request(limit, cursor),
        cluster_id=id,
        team=team,
        cost_center=cost_center,
    )
    return as_page(NamespacePage, NamespaceItem.of, page)


@router.get(
    "/clusters/{id}/nodes", response_model=NodePage, responses=BY_ID, summary="A cluster's nodes"
)
def cluster_nodes(
    id: Id, ctx: Caller, session: DbSession, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = ""
) -> NodePage:
    """Nodes by name with status, roles, instance type, zone, allocatable, requested and used."""
    authorize(ctx, Action.READ)
    page = explore.list_nodes(
        session=session, org_id=ctx.org_id, request=page_request(limit, cursor), cluster_id=id
    )
    return as_page(NodePage, NodeItem.of, page)


@router.get(
    "/workers/status",
    response_model=WorkerStatus,
    responses=ADMIN,
    tags=["workers"],
    summary="Workers status (admin)",
)
def workers_status(ctx: Caller, session: DbSession) -> WorkerStatus:
    """The worker processes, with only this organization's clusters under them; this
    organization's clusters' schedule (next sync, last duration, who synced them) and recent
    runs. Figures of other organizations are never shown."""
    authorize(ctx, Action.VIEW_WORKERS)
    return WorkerStatus.of(worker_service.worker_status(session=session, org_id=ctx.org_id))
