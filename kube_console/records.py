"""What every service record shares: how a field says it is a time, and what it means.

Records are frozen dataclasses that services return and both faces read. A field is declared
once, on its record; the REST models are built from it (`api/schemas.ApiModel`), so the unit
goes in the field's name and its meaning in `described(...)`.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

# An ISO 8601 UTC time as a string, "" when unknown: the pages print it as it is, and the REST
# API sends it as an RFC 3339 time or null.
ISO_TIME = "iso-time"
IsoTime = Annotated[str, ISO_TIME]


def described(description: str) -> Any:
    """A record field without a default that carries its meaning to the REST schema."""
    return dataclasses.field(metadata={"description": description})


def description_of(field: dataclasses.Field[Any]) -> str | None:
    description = field.metadata.get("description")
    return description if isinstance(description, str) else None
