"""Pods: one page of the org's pods, filtered by cluster, namespace, phase, node and owner and by
text in their name, sorted and paged in SQL; the filters' choices for the chosen cluster."""

from __future__ import annotations

import reflex as rx

from kube_console.services import explore, explore_pages
from kube_console.states.explore_support import (
    EMPTY_POSITION,
    DrilldownPage,
    ListSpec,
    Updates,
    choice_parameter,
    choices,
    filtered_href,
    id_parameter,
    off_the_loop,
    url_of,
)
from kube_console.states.explore_view_models import Choice, ListPosition, PodTableRow
from kube_console.states.explore_views import pod_table_row
from kube_console.states.guard import current_context, ui_only

PHASES = ("Running", "Pending", "Succeeded", "Failed", "Unknown")
# The reasons a pod is pending or failing that the filter offers (ANY_REASON keeps them all).
REASONS = (
    "Unschedulable",
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "OOMKilled",
    "Error",
    "Evicted",
)
OWNER_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet", "Node")
FILTERS = ("cluster", "namespace", "phase", "reason", "node", "owner_kind", "owner", "q")
CHOICES_LIMIT = 500  # a filter menu longer than this is better served by typing a name

PODS = ListSpec.of(explore.POD_SORTS)


class PodsState(DrilldownPage, rx.State):
    pods: list[PodTableRow] = []
    position: ListPosition = EMPTY_POSITION
    filters: dict[str, str] = {}  # URL parameter -> value, as the filter controls show them
    filtered: bool = False
    owner_text: str = ""
    cluster_choices: list[Choice] = []
    namespace_choices: list[Choice] = []
    node_choices: list[Choice] = []
    _choices_for: str = ""  # the cluster filter the choices were read for

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        cluster_id = id_parameter(query, "cluster")
        namespace_id = id_parameter(query, "namespace")
        request = PODS.request(query)
        org_id = current_context().org_id
        page = await off_the_loop(
            explore_pages.read_pods,
            org_id=org_id,
            request=request,
            cluster_id=cluster_id,
            namespace_id=namespace_id,
            phase=choice_parameter(query, "phase", PHASES) or None,
            node=query.get("node") or None,
            owner_kind=choice_parameter(query, "owner_kind", OWNER_KINDS) or None,
            owner_name=query.get("owner") or None,
            reason=choice_parameter(query, "reason", (explore.ANY_REASON, *REASONS)) or None,
            search=query.get("q", ""),
        )
        updates: Updates = {
            "pods": [pod_table_row(row) for row in page.rows],
            "position": PODS.position(page, path, query),
            "filters": {name: query.get(name, "") for name in FILTERS},
            "filtered": any(query.get(name) for name in FILTERS),
            "owner_text": query.get("owner", ""),
        }
        choices_for = str(cluster_id or "")
        if first and (choices_for != self._choices_for or not self.cluster_choices):
            offered = await off_the_loop(
                explore_pages.read_pod_filter_choices,
                org_id=org_id,
                cluster_id=cluster_id,
                limit=CHOICES_LIMIT,
            )
            updates["cluster_choices"] = choices(offered.clusters)
            updates["namespace_choices"] = choices(offered.namespaces)
            updates["node_choices"] = [Choice(value=name, label=name) for name in offered.nodes]
            updates["_choices_for"] = choices_for
        return updates

    def _filter_changes(self, name: str, value: str) -> dict[str, str | None]:
        if name == "cluster":  # another cluster's namespaces and nodes don't apply
            return {"cluster": value or None, "namespace": None, "node": None}
        return {name: value or None}

    @ui_only
    def owner_typed(self, text: str):
        self.owner_text = text
        path, query = url_of(self)
        return rx.redirect(filtered_href(path, query, owner=text.strip() or None), replace=True)
