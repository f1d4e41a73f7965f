"""What the REST API sends and accepts: pydantic models built from the services' records.

The wire rules live here, once: times are RFC 3339 in UTC with a `Z` (null when unknown),
quantities are plain numbers whose unit is in the field name (`cpu_request_cores`,
`memory_usage_bytes`, `duration_ms`), ratios are fractions (0.25 is 25 %), and every object
that carries money carries its `currency`. Models only reshape records; they compute nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin, get_type_hints

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from kube_console.cluster_terms import EnvironmentName
from kube_console.costs import records as cost_records
from kube_console.costs.figures import COST_FIGURES
from kube_console.records import ISO_TIME, description_of
from kube_console.services import cluster_records, explore_records, usage_series, workers
from kube_console.services.clusters import canonical_environment


def _as_utc(value: Any) -> Any:
    """Record times are ISO 8601 strings ("" when unknown); day and month keys are dates."""
    if value in ("", None):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value


def _canonical_environment(value: Any) -> Any:
    return canonical_environment(value) if isinstance(value, str) else value


# One of ENVIRONMENTS; the short forms (prod, stage, uat, dev, qa) are read as their canonical name.
Environment = Annotated[
    EnvironmentName,
    BeforeValidator(_canonical_environment),
    Field(
        description="production, staging, development, test or other; prod, stage, uat, dev and qa are accepted too"
    ),
]


def rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


Time = Annotated[
    dt.datetime,
    BeforeValidator(_as_utc),
    PlainSerializer(rfc3339, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "example": "2026-03-10T12:00:00Z"}),
]
OptionalTime = Annotated[Time | None, BeforeValidator(_as_utc)]
OptionalId = Annotated[
    int | None, BeforeValidator(lambda value: value or None)
]  # records say 0 for none

Currency = Annotated[str, Field(description="ISO 4217 code of every money figure in this object")]


class ApiModel(BaseModel):
    """A REST model; `record=` builds its fields from a service record, declared once there.

    `class NodeItem(ApiModel, record=NodeRow)` has every field of `NodeRow`, in its order, with
    its type and description; an `IsoTime` becomes an `OptionalTime`. A field annotated in the
    class body replaces the record's, `exclude=` leaves record fields out, and fields the record
    lacks are added after the record's.
    """

    model_config = ConfigDict(extra="ignore")

    def __init_subclass__(
        cls, record: type | None = None, exclude: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if record is not None:
            _take_fields(cls, record, exclude)

    @classmethod
    def of(cls, record: Any, **extra: Any):
        """The model of a record (a dataclass), with `extra` fields added or replaced."""
        return cls.model_validate({**dataclasses.asdict(record), **extra})


def _take_fields(model: type[ApiModel], record: type, exclude: tuple[str, ...]) -> None:
    """Give `model` the record's fields before pydantic collects them (see ApiModel)."""
    unknown = set(exclude) - {field.name for field in dataclasses.fields(record)}
    if unknown:
        raise TypeError(
            f"{model.__name__} excludes fields {record.__name__} lacks: {sorted(unknown)}"
        )
    own = dict(inspect.get_annotations(model))
    hints = get_type_hints(record, include_extras=True)
    annotations: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        if field.name in exclude:
            continue
        hint = hints[field.name]
        annotations[field.name] = own.pop(field.name, OptionalTime if _is_iso_time(hint) else hint)
        description = description_of(field)
        if description and field.name not in model.__dict__:
            setattr(model, field.name, Field(description=description))
    model.__annotations__ = {**annotations, **own}


def _is_iso_time(hint: Any) -> bool:
    return get_origin(hint) is Annotated and ISO_TIME in get_args(hint)[1:]


# ---------------------------------------------------------------- errors and pages


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str = Field(
        description="machine-readable: not_authenticated, forbidden, not_found, validation_failed, ..."
    )
    message: str
    field: str | None = Field(default=None, description="the field at fault, when one is")
    details: list[FieldProblem] | None = Field(
        default=None, description="every field at fault, when several are"
    )


class ErrorResponse(BaseModel):
    """The one shape of every error the API returns."""

    error: ErrorBody


ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last page"
    )


# ---------------------------------------------------------------- clusters


class ClusterItem(ApiModel, record=explore_records.ClusterRow):
    currency: Currency


class ClusterPage(Page[ClusterItem]):
    pass


class ClusterDetail(
    ApiModel, record=cluster_records.ClusterCard, exclude=("data_stale", "duplicate_of")
):
    """A cluster's card and capacity: never the credential, only what identifies it."""

    cpu_capacity_cores: float
    cpu_allocatable_cores: float
    cpu_requested_cores: float
    cpu_used_cores: float | None
    memory_capacity_bytes: int
    memory_allocatable_bytes: int
    memory_requested_bytes: int
    memory_used_bytes: int | None
    month: dt.date = Field(description="first day of the month the month-to-date costs cover")
    month_to_date_cost: float = Field(description="namespaces only")
    month_to_date_idle_cost: float
    currency: Currency

    @classmethod
    def build(
        cls, card: cluster_records.ClusterCard, overview: explore_records.ClusterOverview
    ) -> ClusterDetail:
        figures = dataclasses.asdict(overview)
        del figures["health"]
        return cls.model_validate({**figures, **dataclasses.asdict(card)})


class FirstSync(BaseModel):
    status: str
    duration_ms: float
    pods: int
    error: str | None


class ClusterRegistered(BaseModel):
    cluster: ClusterDetail
    first_sync: FirstSync


class RegisterCluster(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        max_length=200, description="1 to 63 lower-case letters, digits, '-', '_' or '.'"
    )
    environment: Environment
    kubeconfig: str = Field(
        max_length=512 * 1024,
        description=(
            "the kubeconfig YAML; only an https server, CA data and a token or a client "
            "certificate are accepted"
        ),
    )
    context: str | None = Field(
        default=None, max_length=253, description="default: its current-context"
    )
    acknowledge_insecure_tls: bool = False


class UpdateCluster(BaseModel):
    """Fields left out keep their value; a kubeconfig replaces the credential, tested first."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    environment: Environment | None = None
    kubeconfig: str | None = Field(default=None, max_length=512 * 1024)
    context: str | None = Field(default=None, max_length=253)
    acknowledge_insecure_tls: bool = False


class ClusterDeletion(ApiModel, record=cluster_records.DeletionPreview):
    """What deleting the cluster removes (or, with dry_run, would remove)."""

    deleted: bool


class HealthComponent(ApiModel, record=explore_records.HealthComponent):
    pass


class ClusterHealth(ApiModel, record=explore_records.ClusterHealth, exclude=("notes",)):
    components: list[HealthComponent]


# ---------------------------------------------------------------- sync runs and workers


class SyncAccepted(BaseModel):
    run_id: int
    status_url: str = Field(description="GET it to follow the run")


class Run(ApiModel, record=workers.WorkerRunRow):
    cluster_id: OptionalId


class ClusterSyncStats(ApiModel, record=workers.ClusterSyncStats):
    pass


class WorkerProcess(ApiModel, record=workers.WorkerProcessRow):
    pass


class WorkerStatus(ApiModel, record=workers.WorkerStatus):
    """Only your organization's clusters and runs; the fleet's figures are the operator's."""

    processes: list[WorkerProcess]
    clusters: list[ClusterSyncStats]
    recent_runs: list[Run]


# ---------------------------------------------------------------- inventory


class NamespaceItem(ApiModel, record=explore_records.NamespaceRow):
    currency: Currency


class NamespacePage(Page[NamespaceItem]):
    pass


class NodeItem(ApiModel, record=explore_records.NodeRow):
    pass


class NodePage(Page[NodeItem]):
    pass


class DeploymentItem(ApiModel, record=explore_records.WorkloadRow):
    pass


class DeploymentPage(Page[DeploymentItem]):
    pass


class ContainerSpec(ApiModel, record=explore_records.ContainerSpec):
    pass


class CostShare(ApiModel, record=cost_records.WorkloadCostShare):
    """The workload's month-to-date share of its namespace's CPU and memory cost."""

    month: dt.date
    currency: Currency


class DeploymentDetail(
    DeploymentItem, record=explore_records.WorkloadDetail, exclude=("workload",)
):
    containers: list[ContainerSpec]
    cost_share: CostShare

    @classmethod
    def build(cls, detail: explore_records.WorkloadDetail) -> DeploymentDetail:
        fields = dataclasses.asdict(detail)
        return cls.model_validate({**fields.pop("workload"), **fields})


class PodItem(ApiModel, record=explore_records.PodRow, exclude=("status_reason", "status_message")):
    pass


class PodPage(Page[PodItem]):
    pass


class ContainerStatus(ApiModel, record=explore_records.ContainerStatusRow, exclude=("last_state",)):
    pass


class PodDetail(PodItem, record=explore_records.PodDetail, exclude=("pod",)):
    containers: list[ContainerStatus]

    @classmethod
    def build(cls, detail: explore_records.PodDetail) -> PodDetail:
        fields = dataclasses.asdict(detail)
        return cls.model_validate({**fields.pop("pod"), **fields})


class HelmReleaseItem(ApiModel, record=explore_records.HelmReleaseRow, exclude=("description",)):
    pass


class HelmReleasePage(Page[HelmReleaseItem]):
    pass


# ---------------------------------------------------------------- usage over time


class ClusterUsagePoint(BaseModel):
    """Means over the cluster's samples in the bucket; null where the bucket has none."""

    time: Time
    cpu_capacity_cores: float | None
    cpu_allocatable_cores: float | None
    cpu_requested_cores: float | None
    cpu_used_cores: float | None
    memory_capacity_bytes: float | None
    memory_allocatable_bytes: float | None
    memory_requested_bytes: float | None
    memory_used_bytes: float | None
    network_bytes: float | None = Field(
        description="transferred within the bucket; null when unknown"
    )


class ClusterUsage(BaseModel):
    cluster_id: int
    window: str
    bucket_seconds: int
    network_known: bool
    points: list[ClusterUsagePoint]

    @classmethod
    def build(cls, series: usage_series.ClusterUsageSeries) -> ClusterUsage:
        return _usage(cls, series, ClusterUsagePoint)


class NamespaceUsagePoint(BaseModel):
    time: Time
    cpu_request_cores: float | None
    cpu_usage_cores: float | None
    memory_request_bytes: float | None
    memory_usage_bytes: float | None
    network_bytes: float | None = Field(
        description="transferred within the bucket; null when unknown"
    )


class NamespaceUsage(BaseModel):
    namespace_id: int
    window: str
    bucket_seconds: int
    network_known: bool
    points: list[NamespaceUsagePoint]

    @classmethod
    def build(cls, series: usage_series.NamespaceUsageSeries) -> NamespaceUsage:
        return _usage(cls, series, NamespaceUsagePoint)


UsageT = TypeVar("UsageT", bound=BaseModel)


def _usage(model: type[UsageT], series: Any, point: type[BaseModel]) -> UsageT:
    """A usage answer: the series' own fields as they are, and its columns as `points`."""
    fields = {name: getattr(series, name) for name in model.model_fields if name != "points"}
    return model.model_validate({**fields, "points": _points(series, point)})


def _points(series: Any, point: type[BaseModel]) -> list[Any]:
    """Columns (one list per figure, aligned with `times`) turned into one object per bucket."""
    names = [name for name in point.model_fields if name != "time"]
    columns = [getattr(series, name) for name in names]
    return [
        point.model_validate({"time": time, **dict(zip(names, values, strict=True))})
        for time, *values in zip(series.times, *columns, strict=True)
    ]


# ---------------------------------------------------------------- costs


class NamespaceCostBucket(BaseModel):
    start: Time
    cpu_cost: float
    memory_cost: float
    gpu_cost: float
    storage_cost: float
    network_cost: float
    total_cost: float


# A bucket's figures: each resource's cost (costs/figures.RESOURCES), then the total.
BUCKET_FIGURES = (*COST_FIGURES, "total_cost")


class NamespaceCosts(BaseModel):
    """A namespace's cost per resource and bucket (its share of idle is not in it)."""

    namespace_id: int
    step: str
    start: Time
    end: Time
    currency: Currency
    window_cost: float
    buckets: list[NamespaceCostBucket]

    @classmethod
    def build(cls, breakdown: cost_records.NamespaceCostBreakdown) -> NamespaceCosts:
        return cls(
            namespace_id=breakdown.namespace_id,
            step=breakdown.step,
            start=dt.datetime.fromisoformat(breakdown.start),
            end=dt.datetime.fromisoformat(breakdown.end),
            currency=breakdown.currency,
            window_cost=breakdown.window_cost,
            buckets=[
                NamespaceCostBucket.model_validate(
                    {"start": start, **dict(zip(BUCKET_FIGURES, figures, strict=True))}
                )
                for start, *figures in zip(
                    breakdown.buckets,
                    *(getattr(breakdown, name) for name in BUCKET_FIGURES),
                    strict=True,
                )
            ],
        )


class CpuMath(BaseModel):
    average_request_cores: float | None
    average_usage_cores: float | None
    average_allocated_cores: float | None
    allocated_core_hours: float
    price_per_core_hour: float
    cost: float
    idle_share_cost: float = Field(description="idle CPU shared onto the group (idle=share)")


class MemoryMath(BaseModel):
    average_request_gib: float | None
    average_usage_gib: float | None
    average_allocated_gib: float | None
    allocated_gib_hours: float
    price_per_gib_hour: float
    cost: float
    idle_share_cost: float = Field(description="idle memory shared onto the group (idle=share)")


class GpuMath(BaseModel):
    """GPUs are allocated by their requests (metrics.k8s.io reports no GPU usage)."""

    average_allocated_gpus: float | None
    allocated_gpu_hours: float
    price_per_gpu_hour: float
    cost: float
    idle_share_cost: float = Field(description="idle GPU shared onto the group (idle=share)")


class StorageMath(BaseModel):
    average_allocated_gib: float | None
    allocated_gib_hours: float
    price_per_gib_hour: float
    cost: float


class NetworkMath(BaseModel):
    transferred_gb: float
    price_per_gb: float
    cost: float


class CostMath(BaseModel):
    """ "Show the math": hours × average allocation = amount; amount × price = cost."""

    hours: float
    cpu: CpuMath
    memory: MemoryMath
    gpu: GpuMath
    storage: StorageMath
    network: NetworkMath

    @classmethod
    def build(cls, lines: list[cost_records.CostMathLine], hours: float) -> CostMath:
        by = {line.resource: line for line in lines}
        cpu, memory, gpu = by["cpu"], by["memory"], by["gpu"]
        storage, network = by["storage"], by["network"]
        return cls(
            hours=hours,
            cpu=CpuMath(
                average_request_cores=cpu.average_request,
                average_usage_cores=cpu.average_usage,
                average_allocated_cores=cpu.average_allocated,
                allocated_core_hours=cpu.allocated,
                price_per_core_hour=cpu.price,
                cost=cpu.cost,
                idle_share_cost=cpu.idle_share,
            ),
            memory=MemoryMath(
                average_request_gib=memory.average_request,
                average_usage_gib=memory.average_usage,
                average_allocated_gib=memory.average_allocated,
                allocated_gib_hours=memory.allocated,
                price_per_gib_hour=memory.price,
                cost=memory.cost,
                idle_share_cost=memory.idle_share,
            ),
            gpu=GpuMath(
                average_allocated_gpus=gpu.average_allocated,
                allocated_gpu_hours=gpu.allocated,
                price_per_gpu_hour=gpu.price,
                cost=gpu.cost,
                idle_share_cost=gpu.idle_share,
            ),
            storage=StorageMath(
                average_allocated_gib=storage.average_allocated,
                allocated_gib_hours=storage.allocated,
                price_per_gib_hour=storage.price,
                cost=storage.cost,
            ),
            network=NetworkMath(
                transferred_gb=network.allocated, price_per_gb=network.price, cost=network.cost
            ),
        )


class CostGroupModel(ApiModel, record=cost_records.CostGroup):
    math: CostMath

    @classmethod
    def build(cls, group: cost_records.CostGroup, hours: float) -> CostGroupModel:
        fields = dataclasses.asdict(group)
        fields["math"] = CostMath.build(group.math, hours)
        return cls.model_validate(fields)


class CostSeries(ApiModel, record=cost_records.CostSeries):
    pass


class ProvisionalCostModel(BaseModel):
    """The open hour priced from its samples so far: provisional, never in the closed figures,
    replaced by the hour's own figures once it closes."""

    hour_start: Time
    hour_end: Time = Field(description="when the hour closes")
    through: Time = Field(description="the samples are priced up to here")
    currency: Currency
    total_cost: float
    cpu_cost: float
    memory_cost: float
    gpu_cost: float
    storage_cost: float
    network_cost: float
    idle_share_cost: float

    @classmethod
    def build(cls, cost: cost_records.ProvisionalCost) -> ProvisionalCostModel:
        fields = dataclasses.asdict(cost)
        return cls.model_validate({**fields, **fields.pop("by_resource")})


class CostReportModel(ApiModel, record=cost_records.CostReport):
    start: Time
    end: Time
    previous_start: Time
    previous_end: Time
    currency: Currency
    buckets: list[Time]
    series: list[CostSeries]
    groups: list[CostGroupModel]
    provisional: ProvisionalCostModel | None = Field(
        default=None,
        description="so far this hour (provisional): the open hour priced from its samples so "
        "far, when the window reaches it; not in any figure above",
    )

    @classmethod
    def build(cls, report: cost_records.CostReport) -> CostReportModel:
        fields = dataclasses.asdict(report)
        fields["groups"] = [CostGroupModel.build(group, report.hours) for group in report.groups]
        fields["provisional"] = (
            ProvisionalCostModel.build(report.provisional) if report.provisional else None
        )
        return cls.model_validate(fields)
