"""Every REST operation once, with the ids of one organization's seeded fleet filled in, so the
auth, ownership and paging tests run over all of them (test_access checks it against the spec);
and the small helpers the API tests share."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from tests.api.conftest import PREFIX, Side

VALID_KUBECONFIG_FREE_BODY = {
    "name": "new-cluster",
    "environment": "staging",
    "kubeconfig": "apiVersion: v1\nkind: Config\n",
}


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    template: str  # ids: {cluster} {namespace} {deployment} {pod} {run}
    admin: bool = False
    body: dict[str, Any] | None = None
    listing: bool = False

    @property
    def has_id(self) -> bool:
        return "{" in self.template

    def path(self, side: Side) -> str:
        return PREFIX + self.template.format(
            cluster=side.cluster.id,
            namespace=side.shop.id,
            deployment=side.deployment.id,
            pod=side.pods[0].id,
            run=side.run.id,
        )

    def path_with_id(self, object_id: int) -> str:
        names = ("cluster", "namespace", "deployment", "pod", "run")
        return PREFIX + self.template.format(**dict.fromkeys(names, object_id))

    @property
    def spec_key(self) -> tuple[str, str]:
        """(method, path) as the OpenAPI spec names it."""
        path = self.template
        for name in ("cluster", "namespace", "deployment", "pod", "run"):
            path = path.replace("{" + name + "}", "{id}")
        return self.method.lower(), "/k8s" + path

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


ROUTES = [
    Route("POST", "/clusters", admin=True, body=VALID_KUBECONFIG_FREE_BODY),
    Route("GET", "/clusters", listing=True),
    Route("GET", "/clusters/{cluster}"),
    Route("PATCH", "/clusters/{cluster}", admin=True, body={"name": "renamed"}),
    Route("DELETE", "/clusters/{cluster}", admin=True),
    Route("POST", "/clusters/{cluster}/sync", admin=True),
    Route("GET", "/runs/{run}"),
    Route("GET", "/clusters/{cluster}/health"),
    Route("GET", "/clusters/{cluster}/namespaces", listing=True),
    Route("GET", "/namespaces/{namespace}/costs"),
    Route("GET", "/clusters/{cluster}/nodes", listing=True),
    Route("GET", "/namespaces/{namespace}/deployments", listing=True),
    Route("GET", "/deployments/{deployment}"),
    Route("GET", "/deployments/{deployment}/pods", listing=True),
    Route("GET", "/namespaces/{namespace}/pods", listing=True),
    Route("GET", "/pods/{pod}"),
    Route("GET", "/helm/releases", listing=True),
    Route("GET", "/metrics/cluster/{cluster}"),
    Route("GET", "/metrics/namespace/{namespace}"),
    Route("GET", "/workers/status", admin=True),
    Route("GET", "/costs"),
]
ADMIN_ROUTES = [route for route in ROUTES if route.admin]
ID_ROUTES = [route for route in ROUTES if route.has_id]
LIST_ROUTES = [route for route in ROUTES if route.listing]


def call(api, route: Route, side: Side, headers: dict[str, str] | None = None, **params: Any):
    return api.request(
        route.method, route.path(side), headers=headers or {}, json=route.body, params=params
    )


RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def get(api, path: str, headers: dict[str, str], **params) -> dict:
    """GET under /api/v1/k8s, which must answer 200 with JSON."""
    reply = api.get(PREFIX + path, headers=headers, params=params)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    return reply.json()


def assert_error(reply, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/json"
    error = reply.json()["error"]
    assert error["code"] == code and error["message"]
    return error
