"""The layers import downwards only (docs: architecture.md).

The faces (states, pages, components, API routes) reach the database through services: they
import neither the engine and sessions of `kube_console.db` nor the tables of
`kube_console.models`. The services and the cost package, for their part, know nothing of the
faces, and the cost formulas know nothing of the tables.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "kube_console"
FACES = ("states", "pages", "components", "api")


def _imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, by full name (`from a import b` counts as a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(*layers: str) -> list[Path]:
    return sorted(path for layer in layers for path in (PACKAGE / layer).rglob("*.py"))


def _reaches(imported: set[str], forbidden: str) -> bool:
    return any(name == forbidden or name.startswith(forbidden + ".") for name in imported)


@pytest.mark.parametrize("path", _modules(*FACES), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_faces_import_neither_the_database_nor_the_tables(path: Path) -> None:
    imported = _imported_modules(path)
    assert not _reaches(imported, "kube_console.db")
    assert not _reaches(imported, "kube_console.models")


@pytest.mark.parametrize(
    "path", _modules("services", "costs"), ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_services_know_nothing_of_the_faces(path: Path) -> None:
    imported = _imported_modules(path)
    for face in ("reflex", *(f"kube_console.{layer}" for layer in FACES)):
        assert not _reaches(imported, face)


def test_the_cost_formulas_are_pure() -> None:
    imported = _imported_modules(PACKAGE / "costs" / "math.py")
    for below in ("kube_console.models", "kube_console.db", "sqlalchemy", "sqlmodel"):
        assert not _reaches(imported, below)
