# LayerLab: `make run` starts everything, `make test` checks everything.
# Both go through `make setup`, which builds .venv once and again only when
# pyproject.toml changes (a stamp file records the last install).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# torch is installed first and on its own: on machines with a local CPU wheel of
# 2.13.0 this takes it from disk; elsewhere override, e.g. TORCH_SPEC='torch>=2.4'.
TORCH_SPEC ?= torch==2.13.0
STAMP  := $(VENV)/.installed

HOST ?= 127.0.0.1
PORT ?= 8000

# The browser app: `npm ci` again only when the lock file changes, a build only when a
# source file is newer than the last one.
NPM            ?= npm
FRONTEND_STAMP := frontend/node_modules/.installed
FRONTEND_SRC   := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html \
                  frontend/vite.config.ts frontend/tsconfig.json frontend/package.json

.PHONY: setup run test lint typecheck test-slow bench docs clean frontend frontend-check \
        browser-deps bench-editor dev types wheel

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: setup frontend
	$(BIN)/layerlab serve --host $(HOST) --port $(PORT)

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $(FRONTEND_STAMP)

frontend/dist/index.html: $(FRONTEND_STAMP) $(FRONTEND_SRC)
	cd frontend && $(NPM) run build

frontend: frontend/dist/index.html

# A wheel (in dist/) that carries the presets and the built browser app (setup.py copies
# them in); built offline with the venv's setuptools.
wheel: setup frontend
	$(BIN)/python -m pip wheel . --no-deps --no-build-isolation -w dist

# Vite's dev server (hot reload) on :5173, proxying /api to a server started here.
dev: setup $(FRONTEND_STAMP)
	$(BIN)/layerlab serve --host $(HOST) --port $(PORT) & server=$$!; \
	trap "kill $$server" EXIT INT TERM; \
	cd frontend && LAYERLAB_API=http://$(HOST):$(PORT) $(NPM) run dev

# The browser's TypeScript types, regenerated from the server's OpenAPI schema.
types: setup $(FRONTEND_STAMP)
	cd frontend && LAYERLAB_PYTHON=$(abspath $(BIN))/python $(NPM) run types

# Lint, type check, unit tests, and the generated API types checked against the server.
frontend-check: setup $(FRONTEND_STAMP)
	cd frontend && $(NPM) run lint && npx tsc --noEmit && $(NPM) test
	cd frontend && LAYERLAB_PYTHON=$(abspath $(BIN))/python $(NPM) run types:check

# The editor in Chromium: open/render time, drag and pan frame rates, check latency.
bench-editor: setup frontend browser-deps
	$(BIN)/python bench/editor.py

# Playwright (Python) drives Debian's Chromium in tests/e2e.
browser-deps: setup
	$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install --quiet playwright

lint: setup
	$(BIN)/ruff check backend tests bench
	$(BIN)/ruff format --check backend tests bench
	$(BIN)/mypy

test: lint frontend-check frontend browser-deps
	$(BIN)/python -m layerlab.ops.docs --check docs/ops.md
	$(BIN)/pytest -q -m "not slow" -p no:cacheprovider

test-slow: setup
	$(BIN)/pytest -q -m slow -p no:cacheprovider

bench: setup
	$(BIN)/python bench/compile.py

# Every preset trained on the CPU and held to its bar (~25 minutes); writes docs/presets.md.
.PHONY: bench-presets
bench-presets: setup
	$(BIN)/python bench/presets.py

docs: setup
	$(BIN)/python -m layerlab.ops.docs > docs/ops.md
	$(BIN)/python -m tests.imports.report > docs/import.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache frontend/node_modules frontend/dist \
	       build dist
