"""`make demo`: the console on its own database with a demo organization whose clusters are
served by the project's fake API server (kube_console/fakekube) inside the console's process.

Only ever started when KUBE_CONSOLE_DEMO is on (runtime.demo_lifespan); the fake server binds
127.0.0.1 alone. fleet.py says what the clusters hold, build.py registers them through the real
intake and replays their history through the real sync and cost code.
"""
