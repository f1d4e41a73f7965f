"""REST routes for costs: the cost query behind the costs page, and one namespace's cost by
resource over time; each as JSON or CSV.

`/costs?format=csv` is the costs page's own export (costs/queries.export_csv): the
table the page shows, money to the cent and percentages to a tenth. A namespace's CSV has one
row per bucket with the same figures as its JSON.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from kube_console.api import errors
from kube_console.api.caller import Caller, DbSession
from kube_console.api.params import ID_MAX, Id
from kube_console.api.schemas import BUCKET_FIGURES, CostReportModel, NamespaceCosts
from kube_console.costs import inventory_costs
from kube_console.costs import queries as cost_queries
from kube_console.costs.records import CostQuery
from kube_console.errors import ValidationFailed
from kube_console.security.authz import Action, authorize
from kube_console.services.csv_text import Cell, csv_text

router = APIRouter(tags=["costs"])

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# The services name a custom window's bounds start and end; the API's parameters are from and to.
_WINDOW_FIELDS = {"start": "from", "end": "to"}

Format = Annotated[Literal["json", "csv"], Query(description="json, or csv with a header row")]
Step = cost_queries.Step
TimeBound = Annotated[
    str,
    Query(
        max_length=64,
        description=(
            "an ISO 8601 date or time, such as 2026-11-01 or 2026-11-01T06:00:00Z (UTC when no zone)"
        ),
    ),
]
Names = Annotated[
    list[str],
    Query(
        max_length=cost_queries.MAX_FILTER_VALUES, description="repeat the parameter for several"
    ),
]


def _csv_response(rows: list[list[Cell]], filename: str) -> Response:
    return Response(
        csv_text(rows),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _with_api_field_names(failure: ValidationFailed) -> ValidationFailed:
    return ValidationFailed(
        [
            type(error)(_WINDOW_FIELDS.get(error.field, error.field), error.message)
            for error in failure.errors
        ]
    )


CSV_OR_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}


@router.get(
    "/namespaces/{id}/costs",
    response_model=NamespaceCosts,
    responses={**errors.NOT_FOUND, **CSV_OR_JSON},
    summary="A namespace's cost breakdown",
)
def namespace_costs(
    id: Id,
    ctx: Caller,
    session: DbSession,
    step: Annotated[Step, Query(description="bucket size")] = "day",
    start: Annotated[TimeBound, Query(alias="from")] = "",
    end: Annotated[TimeBound, Query(alias="to")] = "",
    format: Format = "json",
):
    """Cost per resource (CPU, memory, storage, network) and bucket. Without `from` and `to`:
    the last 48 hours, 30 days or 12 months. The window is widened to whole buckets and ends at
    the last closed hour. The namespace's share of idle is not in it."""
    authorize(ctx, Action.READ)
    try:
        breakdown = inventory_costs.namespace_cost_breakdown(
            session=session,
            org_id=ctx.org_id,
            namespace_id=id,
            step=step,
            start=start,
            end=end,
        )
    except ValidationFailed as failure:
        raise _with_api_field_names(failure) from None
    costs = NamespaceCosts.build(breakdown)
    if format == "json":
        return costs
    header: list[Cell] = ["bucket_start", *BUCKET_FIGURES, "currency"]
    rows = [
        [
            bucket.model_dump(mode="json")["start"],
            *(getattr(bucket, name) for name in BUCKET_FIGURES),
            costs.currency,
        ]
        for bucket in costs.buckets
    ]
    return _csv_response([header, *rows], f"namespace-{id}-costs-{step}.csv")


@router.get(
    "/costs",
    response_model=CostReportModel,
    responses=CSV_OR_JSON,
    summary="Costs by cluster, namespace, team or cost-center",
)
def costs(
    ctx: Caller,
    session: DbSession,
    window: Annotated[
        cost_queries.CostWindow,
        Query(description="a preset, or custom with from and to"),
    ] = "30d",
    start: Annotated[TimeBound, Query(alias="from", description="start of a custom window")] = "",
    end: Annotated[
        TimeBound, Query(alias="to", description="end (excluded) of a custom window")
    ] = "",
    step: Annotated[Step, Query(description="bucket size of the series")] = "day",
    group_by: Annotated[
        list[cost_queries.Dimension],
        Query(
            min_length=1,
            max_length=2,
            description="one or two different dimensions (repeat the parameter)",
        ),
    ] = ["namespace"],  # noqa: B006 - FastAPI copies defaults
    cluster_id: Annotated[
        list[Annotated[int, Query(ge=1, le=ID_MAX)]],
        Query(max_length=cost_queries.MAX_FILTER_VALUES),
    ] = [],  # noqa: B006
    team: Names = [],  # noqa: B006
    cost_center: Names = [],  # noqa: B006
    namespace: Names = [],  # noqa: B006
    idle: Annotated[
        Literal[tuple(cost_queries.IDLE_MODES)],  # type: ignore[valid-type]
        Query(description="hide idle, keep it as its own groups, or share it onto namespaces"),
    ] = "separate",
    series_limit: Annotated[
        int, Query(ge=1, le=cost_queries.MAX_SERIES, description="groups charted on their own")
    ] = 10,
    format: Format = "json",
):
    """The cost query behind the costs page: totals, shares, change on the previous period,
    efficiency, coverage, month-end forecast and the math of every group, with a series per
    bucket. As CSV: the page's cost table."""
    authorize(ctx, Action.READ)
    if (start or end) and window != "custom":  # else they would be ignored without a word
        raise ValidationFailed.one("window", "must be custom when from or to is given")
    query = CostQuery(
        window=window,
        start=start,
        end=end,
        step=step,
        group_by=tuple(group_by),
        clusters=tuple(cluster_id),
        teams=tuple(team),
        cost_centers=tuple(cost_center),
        namespaces=tuple(namespace),
        idle=idle,
        series_limit=series_limit,
    )
    try:
        if format == "csv":
            text = cost_queries.export_csv(session=session, org_id=ctx.org_id, query=query)
        else:
            report = cost_queries.cost_report(session=session, org_id=ctx.org_id, query=query)
    except ValidationFailed as failure:
        raise _with_api_field_names(failure) from None
    if format == "csv":
        return Response(
            text,
            media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="costs-{window}-{step}.csv"'},
        )
    return CostReportModel.build(report)
