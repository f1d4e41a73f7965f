"""Kubeconfig YAML for tests: kube_console/fakekube/kubeconfig.py (the demo writes them too)."""

from kube_console.fakekube.kubeconfig import kubeconfig_yaml

__all__ = ["kubeconfig_yaml"]
