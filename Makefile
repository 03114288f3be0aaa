# footfall: the two commands a new user needs are `make dev` and `make test`.
# Everything else here is what they are built from.

PORT ?= 8787
IP ?= 127.0.0.1
PERSIST_TO ?= .wrangler/state
ORIGIN_URL ?=
SITE_DIR ?=
TRUST_CLIENT_IP ?=
# d1 (default) or durable-objects: where the rows live (README "When one database is not enough").
STORE ?=
# Empty: the demo origin listens on PORT + 1 (tools/dev.sh).
DEMO_PORT ?=

VENV := .venv
PY := $(VENV)/bin/python
NPX := npx --no-install

.PHONY: help setup dev test test-fast check unit bench migrate build clean screenshots chromium

## setup: install npm packages from the lock file and the Python dev group, when missing
setup: node_modules/.footfall-installed $(VENV)/.footfall-installed build

node_modules/.footfall-installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.footfall-installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --group dev
	touch $@

## build: the tracker script (client/) -> client/dist and the Worker module that serves it;
##        migrations/ -> src/assets/schema.py (the Durable Objects store applies them itself)
build: node_modules/.footfall-installed
	@if [ -f client/build.mjs ]; then node client/build.mjs; fi
	@node tools/schema-module.mjs

## migrate: apply migrations/ to the local D1 in $(PERSIST_TO)
migrate: setup
	$(NPX) wrangler d1 migrations apply DB --local --persist-to $(PERSIST_TO)

## dev: the demo site behind the Worker at http://$(IP):$(PORT) (ORIGIN_URL=... to proxy your own site,
##      SITE_DIR=path/to/build to serve a build directory as static assets)
dev: migrate
	PORT=$(PORT) IP=$(IP) PERSIST_TO=$(PERSIST_TO) ORIGIN_URL=$(ORIGIN_URL) SITE_DIR=$(SITE_DIR) \
	TRUST_CLIENT_IP=$(TRUST_CLIENT_IP) DEMO_PORT=$(DEMO_PORT) STORE=$(STORE) PYTHON=$(PY) tools/dev.sh

## test: every test (unit, integration over HTTP with real local D1, browser)
test: setup chromium
	$(PY) -m pytest

## chromium: Debian's Chromium for the browser tests (installed when root, else says how)
chromium:
	@tools/need-chromium.sh

## test-fast: the in-process tiers only (core and handlers on CPython, SQLite, pinned clock)
test-fast: setup
	$(PY) -m pytest tests/unit tests/handlers

unit: test-fast

## check: lint and format (ruff), types (mypy over src/)
check: setup
	$(VENV)/bin/ruff check src tests bench tools waf
	$(VENV)/bin/ruff format --check src tests bench tools waf
	$(VENV)/bin/mypy

## screenshots: the README's pictures of the dashboard (docs/dashboard-*.png), from a seeded demo
screenshots: setup chromium
	PYTHONPATH=src:tests $(PY) tools/screenshots.py

## bench: measure on this machine and rewrite docs/BENCHMARKS.md
bench: setup
	PYTHONPATH=src:tests:. $(PY) -m bench.run

clean:
	rm -rf node_modules $(VENV) .wrangler client/dist

## help: these targets and what they do
help:
	@grep -h '^##' Makefile | sed 's/^## //'
