"""Errors every face (pages, REST API, CLI) turns into the same per-field messages."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class ValidationFailed(ValueError):
    """Input was refused; `errors` names each field and what is wrong with it."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)])

    def by_field(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for error in self.errors:
            merged[error.field] = (
                f"{merged[error.field]} {error.message}" if error.field in merged else error.message
            )
        return merged


class Conflict(Exception):
    """The change clashes with the current state (a duplicate name, the last admin, ...)."""
