"""Kubeconfig YAML written from a ClusterCredentials the way a user would paste it (tests, demo)."""

from __future__ import annotations

import yaml

from kube_console.kube.credentials import ClusterCredentials


def kubeconfig_yaml(credentials: ClusterCredentials, *, context: str = "test") -> str:
    cluster: dict[str, object] = {"server": credentials.server}
    if credentials.certificate_authority_data:
        cluster["certificate-authority-data"] = credentials.certificate_authority_data
    user: dict[str, object] = {}
    if credentials.token:
        user["token"] = credentials.token
    else:
        user["client-certificate-data"] = credentials.client_certificate_data
        user["client-key-data"] = credentials.client_key_data
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": context,
        "clusters": [{"name": context, "cluster": cluster}],
        "users": [{"name": f"{context}-user", "user": user}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": f"{context}-user"}}],
    }
    return yaml.safe_dump(document)
