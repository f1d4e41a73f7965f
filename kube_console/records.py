"""What every service record shares: how a field says it is a time, and what it means.

Records are frozen, keyword-only dataclasses (`@record`) that services return and both faces
read. A field is declared once, on its record; the REST models are built from it
(`api/schemas.ApiModel`), so the unit goes in the field's name and its meaning in
`described(...)`.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, TypeVar, dataclass_transform

# An ISO 8601 UTC time as a string, "" when unknown: the pages print it as it is, and the REST
# API sends it as an RFC 3339 time or null.
ISO_TIME = "iso-time"
IsoTime = Annotated[str, ISO_TIME]

_Record = TypeVar("_Record")


def described(description: str) -> Any:
    """A record field without a default that carries its meaning to the REST schema."""
    return dataclasses.field(metadata={"description": description})


@dataclass_transform(
    frozen_default=True, kw_only_default=True, field_specifiers=(dataclasses.field, described)
)
def record(cls: type[_Record]) -> type[_Record]:
    """A frozen, keyword-only dataclass. Declared as a dataclass transform naming `described` as
    a field specifier, so a type checker knows a described field has no default and refuses a
    constructor call that leaves it out."""
    return dataclasses.dataclass(frozen=True, kw_only=True)(cls)


def description_of(field: dataclasses.Field[Any]) -> str | None:
    description = field.metadata.get("description")
    return description if isinstance(description, str) else None
