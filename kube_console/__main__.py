from kube_console.cli import app

app(prog_name="python -m kube_console")
