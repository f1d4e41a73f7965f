"""Label and field selectors as the API server parses them (`labelSelector`, `fieldSelector`)."""

from __future__ import annotations

import re
from collections.abc import Callable

Predicate = Callable[[dict], bool]

_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_VALUE = r"[-A-Za-z0-9_.]*"
_NOT_EXISTS = re.compile(rf"!\s*({_KEY})")
_SET = re.compile(rf"({_KEY})\s+(in|notin)\s*\(([^)]*)\)")
_EQUALITY = re.compile(rf"({_KEY})\s*(==|=|!=)\s*({_VALUE})")
_EXISTS = re.compile(_KEY)

FIELDS_BY_KIND = {
    "Pod": {"spec.nodeName", "status.phase"},
    "Secret": {"type"},
}


class InvalidSelector(ValueError):
    pass


def _split_terms(selector: str) -> list[str]:
    terms, depth, start = [], 0, 0
    for position, character in enumerate(selector):
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "," and depth == 0:
            terms.append(selector[start:position].strip())
            start = position + 1
    terms.append(selector[start:].strip())
    return [term for term in terms if term]


def _label_term(term: str) -> Callable[[dict[str, str]], bool]:
    if match := _NOT_EXISTS.fullmatch(term):
        key = match[1]
        return lambda labels: key not in labels
    if match := _SET.fullmatch(term):
        key, operator = match[1], match[2]
        values = {value.strip() for value in match[3].split(",") if value.strip()}
        if operator == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if match := _EQUALITY.fullmatch(term):
        key, operator, value = match[1], match[2], match[3]
        if operator == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if _EXISTS.fullmatch(term):
        return lambda labels: term in labels
    raise InvalidSelector(f"unable to parse requirement: {term!r}")


def label_selector(selector: str) -> Predicate:
    """A predicate on an object (dict) for a labelSelector string."""
    terms = [_label_term(term) for term in _split_terms(selector)]

    def matches(obj: dict) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        return all(term(labels) for term in terms)

    return matches


def _field_value(obj: dict, path: str) -> str:
    value: object = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def field_selector(selector: str, kind: str) -> Predicate:
    """A predicate for a fieldSelector string; fields the kind does not index are refused."""
    supported = {"metadata.name", "metadata.namespace"} | FIELDS_BY_KIND.get(kind, set())
    terms = []
    for term in _split_terms(selector):
        match = re.fullmatch(r"([A-Za-z.]+)\s*(==|=|!=)\s*(.*)", term)
        if not match:
            raise InvalidSelector(f"invalid field selector: {term!r}")
        path, operator, value = match[1], match[2], match[3]
        if path not in supported:
            raise InvalidSelector(f'field label not supported: "{path}"')
        terms.append((path, operator == "!=", value))

    def matches(obj: dict) -> bool:
        return all((_field_value(obj, path) == value) != negate for path, negate, value in terms)

    return matches
