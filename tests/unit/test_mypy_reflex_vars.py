"""The mypy plugin (tools/mypy_reflex_vars.py) types a state var read on its class as the Var
Reflex builds for it, and refuses a field an object var's dataclass does not have. mypy also
knows a record's `described(...)` field has no default (records.record)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[2]

PAGE_CODE = """
from kube_console.states.pod_detail import PodDetailState
from kube_console.states.pods import PodsState

reveal_type(PodsState.pods)
reveal_type(PodsState.position)
reveal_type(PodsState.position.page)
reveal_type(PodsState.filtered)
reveal_type(PodsState.owner_text)
reveal_type(PodDetailState.pod.name)
PodDetailState.pod.nmae


def handler(state: PodsState) -> None:
    reveal_type(state.pods)


from kube_console.services.explore_records import NodeRow

NodeRow(id=1, cluster_id=1, cluster_name="prod", name="node-1")
"""


@pytest.fixture(scope="module")
def mypy_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    page = tmp_path_factory.mktemp("mypy") / "page_code.py"
    page.write_text(PAGE_CODE)
    cwd = Path.cwd()
    os.chdir(ROOT)  # the config's plugin path and cache are relative to the project
    try:
        stdout, _, _ = api.run([str(page), "--config-file", str(ROOT / "pyproject.toml")])
    finally:
        os.chdir(cwd)
    # Records by class name alone, wherever they are declared.
    return [
        re.sub(r"kube_console\.[\w.]+\.(\w+)", r"\1", line.split(": ", 1)[1])
        for line in stdout.splitlines()
        if "page_code.py:" in line
    ]


def test_a_state_var_on_its_class_is_the_var_reflex_builds(mypy_lines: list[str]) -> None:
    assert mypy_lines[:6] == [
        'note: Revealed type is "reflex_base.vars.sequence.ArrayVar[list[PodTableRow]]"',
        'note: Revealed type is "reflex_base.vars.object.ObjectVar[ListPosition]"',
        'note: Revealed type is "reflex_base.vars.number.NumberVar[int]"',
        'note: Revealed type is "reflex_base.vars.number.BooleanVar"',
        'note: Revealed type is "reflex_base.vars.sequence.StringVar[str]"',
        'note: Revealed type is "reflex_base.vars.sequence.StringVar[str]"',
    ]


def test_a_misspelt_field_of_an_object_var_is_an_error(mypy_lines: list[str]) -> None:
    assert 'error: "PodView" has no field "nmae"  [attr-defined]' in mypy_lines


def test_on_an_instance_a_state_var_is_its_value(mypy_lines: list[str]) -> None:
    assert 'note: Revealed type is "list[PodTableRow]"' in mypy_lines


def test_a_record_built_without_a_described_field_is_an_error(mypy_lines: list[str]) -> None:
    missing = [line for line in mypy_lines if "Missing named argument" in line]
    assert 'error: Missing named argument "pods" for "NodeRow"  [call-arg]' in missing
    assert 'error: Missing named argument "status" for "NodeRow"  [call-arg]' in missing
    assert not any('"name"' in line or '"cluster_name"' in line for line in missing)
