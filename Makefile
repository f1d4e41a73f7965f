# kube-console — `make run` starts the console, `make test` runs the tests.
# `make lint` runs ruff (lint, format check) and mypy. Each sets up whatever a fresh machine
# lacks: the virtualenv, the pinned requirements, and bun (from the npm registry, into
# .tools/; Reflex's own bun download can't work here).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.4
BUN_DIR := .tools/bun
BUN := $(BUN_DIR)/node_modules/.bin/bun

export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_TELEMETRY_ENABLED := 0
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)

.PHONY: setup run test lint migrate

setup: $(VENV)/.installed $(BUN)

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(BUN):
	npm install --prefix $(BUN_DIR) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

migrate: setup
	$(PY) -m kube_console migrate

run: setup
	$(PY) -m kube_console keys ensure-local
	$(PY) -m kube_console migrate
	$(VENV)/bin/reflex run --env prod

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
