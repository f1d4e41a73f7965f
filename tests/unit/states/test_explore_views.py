"""What the drill-down pages say in words about the figures they show."""

from __future__ import annotations

import dataclasses

import pytest

from kube_console.services.usage_series import NamespaceEfficiency
from kube_console.states.explore_views import efficiency_basis


def _efficiency(samples: int, days_of_data: float) -> NamespaceEfficiency:
    # cpu and memory are not read by efficiency_basis
    fields = {field.name: None for field in dataclasses.fields(NamespaceEfficiency)}
    return NamespaceEfficiency(
        **fields
        | {
            "namespace_id": 1,
            "window_days": 7,
            "since": "",
            "samples": samples,
            "samples_without_usage": 0,
            "days_of_data": days_of_data,
        }
    )


@pytest.mark.parametrize(
    ("samples", "days", "text"),
    [
        (57, 0.2, "57 samples with usage metrics over 5 hours of the last 7 days."),
        (1, 0.001, "1 sample with usage metrics over less than an hour of the last 7 days."),
        (2016, 7.0, "2,016 samples with usage metrics over 7 days of the last 7 days."),
        (300, 1.04, "300 samples with usage metrics over 1 day of the last 7 days."),
    ],
)
def test_the_efficiency_basis_says_how_long_the_samples_span_in_words(samples, days, text):
    assert efficiency_basis(_efficiency(samples, days)) == text
