# X8 Network. `make run` starts everything on an embedded PostgreSQL; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
X8 := $(BIN)/x8
PORT ?= 8000
# pytest-xdist processes: a test file goes to one process, and the browser tests all to the same one (the
# scheduler is tests/conftest.py's). TEST_WORKERS=0 runs the suite in this process (the easiest tracebacks to read).
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/public -type f 2>/dev/null)

.PHONY: run test setup backend frontend lint test-backend test-e2e api-client check-api-client bench system-deps n8n clean

run: setup frontend/dist/index.html
	$(X8) serve --host 127.0.0.1 --port $(PORT) --seed-demo

setup: backend frontend/node_modules/.installed

backend: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

# `npm ci` trips on npm's optional-dependency lockfile bug (npm/cli#4828, Tailwind oxide); install honours the lock.
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm install --no-audit --no-fund --loglevel=error
	touch $@

frontend: frontend/dist/index.html

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build

# The dashboard's API client is generated from the backend's OpenAPI document.
api-client: backend frontend/node_modules/.installed
	$(X8) openapi > frontend/openapi.json
	cd frontend && npx --no-install openapi-typescript openapi.json -o src/api/schema.d.ts
	cd frontend && node scripts/server-time-zones.mjs

check-api-client: backend frontend/node_modules/.installed
	@tmp=$$(mktemp -d); $(X8) openapi > $$tmp/openapi.json; \
	 (cd frontend && npx --no-install openapi-typescript $$tmp/openapi.json -o $$tmp/schema.d.ts >/dev/null 2>&1); \
	 if ! diff -q $$tmp/schema.d.ts frontend/src/api/schema.d.ts >/dev/null; then \
	   echo "frontend/src/api/schema.d.ts is stale: run 'make api-client' and commit it"; rm -rf $$tmp; exit 1; fi; \
	 rm -rf $$tmp; echo "API client is current"

lint: backend frontend/node_modules/.installed
	$(BIN)/ruff check x8 tests migrations tenant_migrations bench
	$(BIN)/ruff format --check x8 tests migrations tenant_migrations bench
	$(BIN)/mypy
	cd frontend && npm run --silent typecheck && npm run --silent lint

# The real n8n the bridge's integration tests run against (SPEC R-N5), installed once into a cache outside the
# repo (~/.cache/x8, or X8_N8N_CACHE): about 1.8 GB and a few minutes the first time, instant afterwards.
n8n:
	tools/n8n/install.sh >/dev/null

# Debian's chromium drives the browser tests (Playwright never downloads a browser here).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium (apt-get install chromium) for the browser tests"; exit 1; fi; fi

test-backend: backend n8n
	$(PYTEST) -m "not e2e"

test-e2e: setup system-deps frontend/dist/index.html
	$(PYTEST) -m e2e

test: setup system-deps lint check-api-client frontend/dist/index.html n8n
	$(PYTEST)

bench: backend
	$(BIN)/python -m bench

clean:
	rm -rf frontend/dist .pytest_cache .mypy_cache .ruff_cache
