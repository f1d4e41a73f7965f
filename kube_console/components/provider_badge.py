"""A cluster's provider as a small logo (assets/providers/*.svg, drawn for this console) and its name."""

from __future__ import annotations

import reflex as rx

# Provider keys from kube/provider.py; self-managed clusters show their cloud's badge.
_LOGOS = [
    "eks",
    "gke",
    "aks",
    "doks",
    "openshift",
    "k3s",
    "rke2",
    "k0s",
    "kind",
    "minikube",
    "docker-desktop",
]
_CLOUDS = ["aws", "gcp", "azure", "digitalocean", "hetzner", "linode", "openstack", "vsphere"]
_DEFAULT_LOGO = "/providers/kubernetes.svg"


def provider_logo_src(provider: rx.Var[str]) -> rx.Var[str]:
    return rx.match(
        provider,
        *[(key, f"/providers/{key}.svg") for key in _LOGOS],
        *[(f"self-managed-{cloud}", f"/providers/{cloud}.svg") for cloud in _CLOUDS],
        _DEFAULT_LOGO,
    )


def provider_logo(provider: rx.Var[str], size: str = "36px") -> rx.Component:
    """Decorative: the provider's name is always written beside it."""
    return rx.image(
        src=provider_logo_src(provider),
        alt="",
        width=size,
        height=size,
        min_width=size,
        border_radius="var(--radius-3)",
    )
