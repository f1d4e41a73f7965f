"""pytest fixtures that start the fake Kubernetes API server (filled in with the fake)."""
