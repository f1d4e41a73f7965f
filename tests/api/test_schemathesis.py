"""Property-based: schemathesis reads the OpenAPI spec the API serves and sends generated requests
(valid and invalid) to every operation, with a member token and with an admin token, against a
seeded database. No answer may be a 5xx or break the spec (status code, content type, headers,
response schema).

Bounded for CI: a few dozen examples per operation, no shrinking, no stateful phase.
Every check runs but `positive_data_acceptance`: a request the schema allows may still be a
422 when the service judges its meaning (a cursor this list did not hand out, a kubeconfig's
content, a custom window whose end is before its start, the same dimension twice in group_by).
POST /clusters is fuzzed like the rest: generated kubeconfigs never pass intake (they are not
YAML kubeconfigs, or name no https server), so it answers 422 without reaching out; a server
that intake would accept is refused anyway unless it is on loopback, which the test settings
allow only for the fake API server's tests.
"""

from __future__ import annotations

import os
from urllib.parse import unquote

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.applications import Starlette
from starlette.routing import Mount

from kube_console.api.v1 import api_v1
from tests.api.conftest import Fleet, Org, World, reload_settings

# CI draws the same examples on every run, so its verdict is about the code, not the draw.
# A deeper or different run by hand:
#   KUBE_CONSOLE_SCHEMATHESIS_EXAMPLES=300 KUBE_CONSOLE_SCHEMATHESIS_SEED=7 pytest tests/api/test_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("KUBE_CONSOLE_SCHEMATHESIS_EXAMPLES", "25"))
SEED = int(os.environ.get("KUBE_CONSOLE_SCHEMATHESIS_SEED", "20261127"))

# The spec is read from the app as it serves it (no database is needed for that); requests go
# to the same app, whose settings the fixtures below point at the seeded test database.
APP = Starlette(routes=[Mount("/api/v1", app=api_v1)])
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
# The token is the test's to send (member or admin), not a parameter to generate or leave out.
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, no_shrink=True, database="none", with_security_parameters=False
)
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
schema.config.seed = SEED


@pytest.fixture
def loopback_refused(api_env) -> None:
    """No generated kubeconfig may point the console anywhere: loopback servers are refused too."""
    api_env.setenv("KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS", "0")
    reload_settings()


def _unroutable(case) -> bool:
    """A path with a line break can't be routed by Starlette at all (its path patterns stop at
    one): Reflex's own top-level mount answers 404 in plain text before the API sees it."""
    return any("\n" in unquote(str(value)) for value in (case.path_parameters or {}).values())


def _call(case, headers: dict[str, str]) -> None:
    if _unroutable(case):
        return
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_with_a_member_token_the_api_keeps_to_its_spec(case, world: World, loopback_refused):
    """Members change nothing (the admin routes refuse them): every operation reads the one
    shared world."""
    _call(case, world.acme.member)


@schema.include(method="GET").parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_with_an_admin_token_the_reads_keep_to_the_spec(case, world: World, loopback_refused):
    _call(case, world.acme.admin)


@schema.exclude(method="GET").parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_with_an_admin_token_the_changes_keep_to_the_spec(
    case, acme: Org, fleet: Fleet, loopback_refused
):
    """Register, update, delete and sync may change what they find: a fresh fleet for each."""
    _call(case, acme.admin)
