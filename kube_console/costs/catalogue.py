"""The price catalogue: public on-demand list prices per (provider, region, instance type).

The console ships one (data/catalogue.csv, read once per process through importlib.resources
so it is found wherever the package is installed); an organization may upload its own in
the same columns, and its rows win over the shipped ones (cost-model.md, "Node prices").
Uploads are checked row by row: every error names its line and column, and a file with any
error is refused whole.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import math
import re
from collections.abc import Iterable, Sequence
from importlib import resources

from kube_console.errors import FieldError, ValidationFailed

COLUMNS = (
    "provider",
    "region",
    "instance_type",
    "vcpu",
    "memory_gib",
    "gpu_count",
    "gpu_model",
    "on_demand_hour",
    "source",
    "as_of",
)
PROVIDERS = ("aws", "gcp", "azure")
MAX_UPLOAD_BYTES = 1_000_000  # ~10,000 rows; the shipped catalogue is under 50 KB
MAX_ROWS = 10_000
MAX_ERRORS_SHOWN = 50
MAX_HOURLY_PRICE = 100_000.0  # far above any instance; catches a mistyped figure
MAX_VCPU = 10_000
MAX_MEMORY_GIB = 100_000.0
MAX_GPUS = 64
_REGION = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_INSTANCE_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogueRow:
    provider: str
    region: str
    instance_type: str
    vcpu: float
    memory_gib: float
    gpu_count: int
    gpu_model: str
    on_demand_hour: float
    source: str
    as_of: str  # YYYY-MM-DD
    origin: str = "shipped"  # "shipped" | "organization"

    @property
    def key(self) -> tuple[str, str, str]:
        return catalogue_key(self.provider, self.region, self.instance_type)

    @property
    def label(self) -> str:
        return f"{self.provider} {self.region} {self.instance_type}"


def catalogue_key(provider: str, region: str, instance_type: str) -> tuple[str, str, str]:
    """Providers, regions and instance types compare without regard to case or spaces."""
    return provider.strip().casefold(), region.strip().casefold(), instance_type.strip().casefold()


class CatalogueInvalid(ValidationFailed):
    """A catalogue file was refused; each error's field reads "line N: column"."""

    @property
    def lines(self) -> list[str]:
        return [f"{error.field}: {error.message}" for error in self.errors]


class Catalogue:
    """Rows by (provider, region, instance type): the organization's first, then the shipped."""

    def __init__(self, rows: Iterable[CatalogueRow]):
        self._rows: dict[tuple[str, str, str], CatalogueRow] = {}
        for row in rows:
            self._rows.setdefault(row.key, row)

    @classmethod
    def merged(
        cls, organization: Sequence[CatalogueRow], shipped: Sequence[CatalogueRow]
    ) -> Catalogue:
        return cls([*organization, *shipped])

    def lookup(
        self, provider: str | None, region: str | None, instance_type: str | None
    ) -> CatalogueRow | None:
        if not (provider and region and instance_type):
            return None
        return self._rows.get(catalogue_key(provider, region, instance_type))

    def __len__(self) -> int:
        return len(self._rows)


class _Row:
    """One CSV record being checked; collects its errors under "line N: column"."""

    def __init__(self, record: dict[str, str], line: int, errors: list[FieldError]):
        self.record, self.line, self.errors = record, line, errors

    def fail(self, column: str, message: str) -> None:
        self.errors.append(FieldError(f"line {self.line}: {column}", message))

    def text(self, column: str, *, required: bool, limit: int) -> str:
        value = (self.record.get(column) or "").strip()
        if required and not value:
            self.fail(column, "is required")
        elif len(value) > limit:
            self.fail(column, f"must be at most {limit} characters, got {len(value)}")
        return value

    def number(self, column: str, *, limit: float, integer: bool = False) -> float:
        raw = (self.record.get(column) or "").strip()
        kind = "a non-negative whole number" if integer else "a non-negative number"
        try:
            value = float(raw)
        except ValueError:
            self.fail(column, f"expected {kind}, got {raw[:40]!r}")
            return 0.0
        if not math.isfinite(value) or value < 0 or (integer and not value.is_integer()):
            self.fail(column, f"expected {kind}, got {raw[:40]!r}")
        elif value > limit:
            self.fail(column, f"must be at most {limit:g}, got {raw[:40]}")
        return value


def _check_row(
    record: dict[str, str], line: int, errors: list[FieldError], origin: str
) -> CatalogueRow:
    row = _Row(record, line, errors)
    provider = row.text("provider", required=True, limit=16).lower()
    if provider and provider not in PROVIDERS:
        row.fail("provider", f"expected one of {', '.join(PROVIDERS)}, got {provider[:40]!r}")
    region = row.text("region", required=True, limit=64)
    if region and not _REGION.fullmatch(region):
        row.fail("region", f"expected a region name such as us-east-1, got {region[:40]!r}")
    instance_type = row.text("instance_type", required=True, limit=128)
    if instance_type and not _INSTANCE_TYPE.fullmatch(instance_type):
        row.fail(
            "instance_type",
            f"expected an instance type such as m5.large, got {instance_type[:40]!r}",
        )
    vcpu = row.number("vcpu", limit=MAX_VCPU)
    memory_gib = row.number("memory_gib", limit=MAX_MEMORY_GIB)
    gpu_count = row.number("gpu_count", limit=MAX_GPUS, integer=True)
    gpu_model = row.text("gpu_model", required=False, limit=64)
    on_demand_hour = row.number("on_demand_hour", limit=MAX_HOURLY_PRICE)
    source = row.text("source", required=True, limit=200)
    as_of = row.text("as_of", required=True, limit=10)
    if as_of:
        try:
            if not _DATE.fullmatch(as_of):
                raise ValueError
            dt.date.fromisoformat(as_of)
        except ValueError:
            row.fail("as_of", f"expected a date such as 2026-01-31, got {as_of[:40]!r}")
    return CatalogueRow(
        provider=provider,
        region=region,
        instance_type=instance_type,
        vcpu=vcpu,
        memory_gib=memory_gib,
        gpu_count=int(gpu_count),
        gpu_model=gpu_model,
        on_demand_hour=on_demand_hour,
        source=source,
        as_of=as_of,
        origin=origin,
    )


def _refuse(errors: list[FieldError]) -> CatalogueInvalid:
    if len(errors) > MAX_ERRORS_SHOWN:
        more = len(errors) - MAX_ERRORS_SHOWN
        errors = [*errors[:MAX_ERRORS_SHOWN], FieldError("file", f"and {more:,} more errors")]
    return CatalogueInvalid(errors)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as bad:
            raise CatalogueInvalid(
                [FieldError("file", f"expected UTF-8 text, byte {bad.start + 1} is not")]
            ) from None
    if "\x00" in text:
        raise CatalogueInvalid([FieldError("file", "contains a NUL character; expected CSV text")])
    return text.removeprefix("\ufeff")


def parse_catalogue(
    data: bytes | str,
    *,
    origin: str = "organization",
    max_bytes: int | None = MAX_UPLOAD_BYTES,
    max_rows: int | None = MAX_ROWS,
) -> list[CatalogueRow]:
    """Every row of a catalogue CSV, or CatalogueInvalid listing what is wrong (nothing partial)."""
    size = len(data.encode() if isinstance(data, str) else data)
    if max_bytes is not None and size > max_bytes:
        raise CatalogueInvalid(
            [FieldError("file", f"must be at most {max_bytes:,} bytes, got {size:,}")]
        )
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as broken:
        raise CatalogueInvalid([FieldError("line 1", f"is not valid CSV ({broken})")]) from None
    if header is None:
        raise CatalogueInvalid([FieldError("file", "is empty; expected a header line and rows")])
    names = [name.strip().lower() for name in header]
    if sorted(names) != sorted(COLUMNS):
        raise CatalogueInvalid(
            [
                FieldError(
                    "line 1: columns",
                    f"expected {', '.join(COLUMNS)}; got {', '.join(names)[:300] or 'nothing'}",
                )
            ]
        )
    errors: list[FieldError] = []
    rows: list[CatalogueRow] = []
    first_line: dict[tuple[str, str, str], int] = {}
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as broken:
            errors.append(FieldError(f"line {reader.line_num}", f"is not valid CSV ({broken})"))
            break
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue  # blank lines are allowed
        if max_rows is not None and len(rows) >= max_rows:
            errors.append(
                FieldError(f"line {line}", f"the file may hold at most {max_rows:,} rows")
            )
            break
        if len(values) != len(names):
            errors.append(
                FieldError(f"line {line}", f"expected {len(names)} values, got {len(values)}")
            )
            continue
        count_before = len(errors)
        row = _check_row(dict(zip(names, values, strict=True)), line, errors, origin)
        if len(errors) == count_before:
            if row.key in first_line:
                errors.append(
                    FieldError(
                        f"line {line}: instance_type",
                        f"{row.label} is already on line {first_line[row.key]}",
                    )
                )
            else:
                first_line[row.key] = line
                rows.append(row)
    if errors:
        raise _refuse(errors)
    return rows


@functools.cache
def shipped_catalogue() -> tuple[CatalogueRow, ...]:
    """The catalogue that ships with the console, parsed once per process."""
    text = resources.files("kube_console.costs").joinpath("data/catalogue.csv").read_text("utf-8")
    return tuple(parse_catalogue(text, origin="shipped", max_bytes=None, max_rows=None))
