"""Environment names: the short forms people type are read as their canonical name, in one place."""

from __future__ import annotations

import pytest

from kube_console.models import ENVIRONMENTS
from kube_console.services.clusters import ENVIRONMENT_SHORT_FORMS, canonical_environment


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("prod", "production"),
        ("PRD", "production"),
        (" Production ", "production"),
        ("stage", "staging"),
        ("stg", "staging"),
        ("uat", "staging"),
        ("preprod", "staging"),
        ("dev", "development"),
        ("qa", "test"),
        ("testing", "test"),
        ("other", "other"),
    ],
)
def test_short_forms_become_their_canonical_name(typed: str, canonical: str):
    assert canonical_environment(typed) == canonical


def test_an_unknown_name_is_left_for_validation_to_refuse():
    assert canonical_environment("Moon") == "moon"


def test_every_short_form_names_a_canonical_environment():
    assert set(ENVIRONMENT_SHORT_FORMS.values()) <= set(ENVIRONMENTS)
