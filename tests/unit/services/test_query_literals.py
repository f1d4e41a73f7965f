"""The Literal types the API validates against name exactly the values the services accept."""

from __future__ import annotations

from typing import get_args

from kube_console.costs import queries as cost_queries
from kube_console.costs.figures import STEPS


def test_the_steps_of_a_cost_series_are_the_cost_grains() -> None:
    assert set(get_args(cost_queries.Step)) == set(STEPS)
