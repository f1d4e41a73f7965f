# kube-console — `make run` starts the console, `make test` runs the tests, `make lint`
# runs ruff (lint, format check) and mypy. Each sets up whatever a fresh machine lacks: the
# virtualenv, the pinned requirements, bun (from the npm registry, into .tools/; Reflex's own
# bun download can't work here) and axe-core, which the browser tests inject into every page
# they audit (tests/e2e/axe.py).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.4
BUN_DIR := .tools/bun
BUN := $(BUN_DIR)/node_modules/.bin/bun
AXE_CORE_VERSION := 4.10.3
AXE_DIR := .tools/axe
AXE_STAMP := $(AXE_DIR)/.installed-$(AXE_CORE_VERSION)

export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_TELEMETRY_ENABLED := 0
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)

.PHONY: setup run test lint migrate demo

# make demo: its own database, the demo flag, and loopback clusters allowed for this process
# alone (the demo's clusters are served by the built-in fake API server on 127.0.0.1).
DEMO_ENV := KUBE_CONSOLE_DEMO=1 KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS=1 \
	KUBE_CONSOLE_DB_URL=sqlite:///$(CURDIR)/data/demo.db KUBE_CONSOLE_SAMPLE_RETENTION_DAYS=35

setup: $(VENV)/.installed $(BUN) $(AXE_STAMP)

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(BUN):
	npm install --prefix $(BUN_DIR) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

$(AXE_STAMP):
	npm install --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error axe-core@$(AXE_CORE_VERSION)
	@touch $@

migrate: setup
	$(PY) -m kube_console migrate

run: setup
	$(PY) -m kube_console keys ensure-local
	$(PY) -m kube_console migrate
	$(VENV)/bin/reflex run --env prod

# The suite in parallel, one worker per core (at least two: much of it waits on fake clusters
# and subprocesses). The browser tests stay together on one worker, which starts them first
# (tests/conftest.py, pytest_xdist_make_scheduler).
TEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n < 2 ? 2 : n )))

test: setup
	$(PY) -m pytest -n $(TEST_WORKERS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

demo: setup
	$(PY) -m kube_console keys ensure-local
	$(DEMO_ENV) $(PY) -m kube_console migrate
	$(DEMO_ENV) $(VENV)/bin/reflex run --env prod
