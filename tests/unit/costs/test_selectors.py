"""Selectors of node price rules: key=value terms with Kubernetes label syntax."""

from __future__ import annotations

import pytest

from kube_console.costs.selectors import format_selector, parse_selector, selector_matches
from kube_console.errors import ValidationFailed


def test_terms_are_parsed_trimmed_and_formatted_back():
    terms = parse_selector(
        " node.kubernetes.io/instance-type = m6i.large , karpenter.sh/capacity-type=spot "
    )
    assert terms == (
        ("node.kubernetes.io/instance-type", "m6i.large"),
        ("karpenter.sh/capacity-type", "spot"),
    )
    assert (
        format_selector(terms)
        == "node.kubernetes.io/instance-type=m6i.large,karpenter.sh/capacity-type=spot"
    )
    assert parse_selector("tier=") == (("tier", ""),)  # an empty label value is a value


def test_every_term_must_hold_with_exactly_that_value():
    terms = parse_selector("pool=gpu-a100,team=ml")
    assert selector_matches(terms, {"pool": "gpu-a100", "team": "ml", "x": "y"})
    assert not selector_matches(terms, {"pool": "gpu-a100"})
    assert not selector_matches(terms, {"pool": "GPU-A100", "team": "ml"})
    assert not selector_matches(parse_selector("tier="), {})


def messages(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        parse_selector(text)
    assert {error.field for error in refused.value.errors} == {"selector"}
    return [error.message for error in refused.value.errors]


def test_bad_terms_are_named_one_by_one():
    assert messages("pool gpu,team!=ml,Example.COM/x=y,a=b=c,pool=x,pool=y,ok=-bad") == [
        "term 1 ('pool gpu') must be key=value; only equality is supported",
        "term 2 ('team!=ml') must be key=value; only equality is supported",
        "term 3: the prefix of key 'Example.COM/x' must be a DNS subdomain (lower-case, at most 253 characters)",
        "term 4 ('a=b=c') must be key=value; only equality is supported",
        "term 6: key 'pool' appears twice",
        "term 7: value '-bad' must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ]
    assert messages("") == ["enter at least one key=value term"]
    assert messages("k" * 64 + "=v") == [
        (
            f"term 1: key '{'k' * 64}' must be at most 63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit (with an optional prefix/)"
        )
    ]


def test_selectors_are_bounded():
    assert messages(",".join(f"k{n}=v" for n in range(21))) == ["must have at most 20 terms"]
    assert messages("a=" + "b" * 2100) == ["must be at most 2048 characters"]
