"""URL builders, so pages link to each other without spelling paths twice."""

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

OVERVIEW = "/"
CLUSTERS = "/clusters"
COSTS = "/costs"
HELM = "/helm"
PODS = "/pods"
ADMIN_USERS = "/admin/users"
ADMIN_WORKERS = "/admin/workers"
ADMIN_SETTINGS = "/admin/settings"
PROFILE = "/profile"
LOGIN = "/login"
SETUP = "/setup"
CHANGE_PASSWORD = "/change-password"
SIGN_IN_ENDPOINT = "/auth/sign-in"
SIGN_OUT_ENDPOINT = "/auth/sign-out"


def page_query(parameters: Mapping[str, str]) -> dict[str, str]:
    """A page URL's query parameters as the pages read them: without NUL characters (%00), which
    no name in a cluster holds and PostgreSQL refuses to compare text with."""
    return {
        name: value.replace("\x00", "") for name, value in parameters.items() if "\x00" not in name
    }


def cluster(cluster_id: object) -> str:
    """A cluster's detail page (the id may be a Var, as for the drill-down pages below)."""
    return f"{CLUSTERS}/{cluster_id}"


# Drill-down pages. An id may be a number or a Reflex Var holding one: the f-strings below
# then build the link in the browser from the row it belongs to.
CLUSTER_DETAIL = "/clusters/[cluster_id]"
NAMESPACE_DETAIL = "/namespaces/[namespace_id]"
WORKLOAD_DETAIL = "/deployments/[workload_id]"
POD_DETAIL = "/pods/[pod_id]"
HELM_RELEASE_DETAIL = "/helm/[release_id]"

QueryValue = str | int | None


def with_query(path: str, query: dict[str, QueryValue]) -> str:
    """`path?key=value&...` with the empty values left out, so default URLs stay short."""
    kept = {key: str(value) for key, value in query.items() if value not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def namespace(namespace_id: object, **query: QueryValue) -> str:
    return with_query(f"/namespaces/{namespace_id}", query)


def workload(workload_id: object, **query: QueryValue) -> str:
    return with_query(f"/deployments/{workload_id}", query)


def pod(pod_id: object) -> str:
    return f"{PODS}/{pod_id}"


def pods(**filters: QueryValue) -> str:
    return with_query(PODS, filters)


def helm_release(release_id: object) -> str:
    return f"{HELM}/{release_id}"


def helm(**filters: QueryValue) -> str:
    return with_query(HELM, filters)


def costs(
    *,
    window: str = "",
    start: str = "",
    end: str = "",
    step: str = "",
    group_by: Sequence[str] = (),
    idle: str = "",
    clusters: Sequence[str] = (),
    cost_centers: Sequence[str] = (),
    teams: Sequence[str] = (),
    namespaces: Sequence[str] = (),
    sort: str = "",
) -> str:
    """The costs page showing one view; what is left out takes the page's default.

    Lists are comma-separated (cluster names and label values can't hold a comma), and a
    custom window's bounds are `from` and `to`, as in the REST API.
    """
    params = {
        "window": window,
        "from": start,
        "to": end,
        "step": step,
        "group_by": ",".join(group_by),
        "idle": idle,
        "cluster": ",".join(clusters),
        "cost_center": ",".join(cost_centers),
        "team": ",".join(teams),
        "namespace": ",".join(namespaces),
        "sort": sort,
    }
    query = urlencode({name: value for name, value in params.items() if value}, safe=",")
    return f"{COSTS}?{query}" if query else COSTS
