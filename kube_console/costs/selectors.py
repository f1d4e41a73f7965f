"""Label selectors of node price rules: `key=value,key2=value2`, every term must hold.

Keys and values follow Kubernetes' label syntax, so a rule that could never match a node
is refused when it is written, with the term and what is wrong with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kube_console.errors import FieldError, ValidationFailed

MAX_TERMS = 20
MAX_SELECTOR_CHARS = 2048
_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")

Terms = tuple[tuple[str, str], ...]


def _key_problem(key: str) -> str | None:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return f"the prefix of key {key!r} must be a DNS subdomain (lower-case, at most 253 characters)"
    if not name or len(name) > 63 or not _NAME.fullmatch(name):
        return (
            f"key {key!r} must be at most 63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit (with an optional prefix/)"
        )
    return None


def _value_problem(value: str) -> str | None:
    if value and (len(value) > 63 or not _NAME.fullmatch(value)):
        return (
            f"value {value!r} must be at most 63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit"
        )
    return None


def parse_selector(text: str, *, field: str = "selector") -> Terms:
    """The terms of `key=value,key2=value2`; raises ValidationFailed naming each bad term."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.one(field, "enter at least one key=value term")
    if len(text) > MAX_SELECTOR_CHARS:
        raise ValidationFailed.one(field, f"must be at most {MAX_SELECTOR_CHARS} characters")
    parts = text.split(",")
    if len(parts) > MAX_TERMS:
        raise ValidationFailed.one(field, f"must have at most {MAX_TERMS} terms")
    errors: list[str] = []
    terms: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, part in enumerate(parts, start=1):
        term = part.strip()
        key, equals, value = term.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or "=" in value or key.endswith("!"):
            errors.append(f"term {number} ({term!r}) must be key=value; only equality is supported")
            continue
        problem = _key_problem(key) or _value_problem(value)
        if problem:
            errors.append(f"term {number}: {problem}")
        elif key in seen:
            errors.append(f"term {number}: key {key!r} appears twice")
        else:
            seen.add(key)
            terms.append((key, value))
    if errors:
        raise ValidationFailed([FieldError(field, message) for message in errors])
    return tuple(terms)


def format_selector(terms: Terms) -> str:
    return ",".join(f"{key}={value}" for key, value in terms)


def selector_matches(terms: Terms, labels: Mapping[str, str]) -> bool:
    """Every term's key is a label of the node with exactly that value."""
    return all(key in labels and labels[key] == value for key, value in terms)
