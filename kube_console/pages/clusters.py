"""Clusters (placeholder until the cluster registration issue replaces this module)."""

from __future__ import annotations

import reflex as rx

from kube_console.components.shell import empty_state, page_frame, page_header


def clusters_page() -> rx.Component:
    return page_frame(
        "Clusters",
        page_header(
            "The Kubernetes clusters your organization registered, their health and last sync."
        ),
        empty_state(
            "server",
            "No clusters yet",
            "An admin can register one with its kubeconfig. Nodes, namespaces, workloads and health appear here after the first sync.",
        ),
    )
