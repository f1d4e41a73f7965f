"""Run the fake API server as a child process of FakeKubeProcess (reads its setup on stdin)."""

from kube_console.fakekube.server import serve_from_stdin

serve_from_stdin()
