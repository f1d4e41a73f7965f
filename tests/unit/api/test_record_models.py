"""REST models built from service records: a field is declared once, on its record."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from kube_console.api.schemas import ApiModel
from kube_console.records import IsoTime, described


@dataclasses.dataclass(frozen=True, kw_only=True)
class MachineRow:
    id: int
    name: str = described("the machine's name")
    created_at: IsoTime
    cpu_cores: float | None
    internal_note: str


class MachineItem(ApiModel, record=MachineRow, exclude=("internal_note",)):
    cpu_cores: float  # the API promises a number where the record allows None
    currency: str


def machine(**changes: Any) -> MachineRow:
    row = MachineRow(
        id=7, name="m-1", created_at="2026-03-10T12:00:00", cpu_cores=2.0, internal_note="x"
    )
    return dataclasses.replace(row, **changes)


def test_fields_follow_the_record_in_its_order_then_the_models_own() -> None:
    assert list(MachineItem.model_fields) == ["id", "name", "created_at", "cpu_cores", "currency"]


def test_descriptions_and_times_reach_the_schema() -> None:
    properties = MachineItem.model_json_schema()["properties"]
    assert properties["name"]["description"] == "the machine's name"
    assert properties["created_at"]["anyOf"][0] == {
        "type": "string",
        "format": "date-time",
        "example": "2026-03-10T12:00:00Z",
    }


def test_an_iso_time_is_sent_in_rfc3339_and_an_unknown_one_as_null() -> None:
    sent = MachineItem.of(machine(), currency="USD").model_dump(mode="json")
    assert sent == {
        "id": 7,
        "name": "m-1",
        "created_at": "2026-03-10T12:00:00Z",
        "cpu_cores": 2.0,
        "currency": "USD",
    }
    assert MachineItem.of(machine(created_at=""), currency="USD").created_at is None


def test_a_field_annotated_in_the_class_body_replaces_the_records() -> None:
    with pytest.raises(ValueError, match="cpu_cores"):
        MachineItem.of(machine(cpu_cores=None), currency="USD")


def test_excluding_a_field_the_record_lacks_is_an_error_at_import() -> None:
    with pytest.raises(TypeError, match="lacks: \\['serial'\\]"):

        class Broken(ApiModel, record=MachineRow, exclude=("serial",)):
            pass
