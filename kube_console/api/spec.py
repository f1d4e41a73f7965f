"""The served OpenAPI spec as the API's own reference for what a path takes: the methods it
answers to (for 405's Allow) and the query parameters an operation declares."""

from __future__ import annotations

import functools
import re
from typing import Any

from starlette.requests import Request


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^/{}]+\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def operations_at(request: Request) -> dict[str, dict[str, Any]]:
    """method (upper case) -> its operation in the spec, for the path of this request."""
    path = request.scope["path"].removeprefix(request.scope.get("root_path", ""))
    found: dict[str, dict[str, Any]] = {}
    for template, operations in request.app.openapi()["paths"].items():
        if _pattern(template).fullmatch(path):
            found |= {method.upper(): operation for method, operation in operations.items()}
    return found


def _takes_many(schema: dict[str, Any]) -> bool:
    branches = schema.get("anyOf", [schema])
    return any(branch.get("type") == "array" for branch in branches)


def declared_query_parameters(request: Request) -> dict[str, bool]:
    """name -> whether it may be repeated (an array), for this request's operation."""
    operation = operations_at(request).get(request.method, {})
    return {
        parameter["name"]: _takes_many(parameter.get("schema", {}))
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    }
