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

.PHONY: setup run test lint typecheck test-slow bench docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: setup
	$(BIN)/layerlab serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check backend tests bench
	$(BIN)/ruff format --check backend tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m layerlab.ops.docs --check docs/ops.md
	$(BIN)/pytest -q -m "not slow" -p no:cacheprovider

test-slow: setup
	$(BIN)/pytest -q -m slow -p no:cacheprovider

bench: setup
	$(BIN)/python bench/compile.py

docs: setup
	$(BIN)/python -m layerlab.ops.docs > docs/ops.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
