# nkelections. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NKE    := $(BIN)/nkelections

.DEFAULT_GOAL := help
.PHONY: help setup run build validate test test-slow bench bench-full network expected lint format release clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the pinned dependencies

run: setup ## build the graph into dist/, validate it and report text coverage (the main job)
	$(NKE) build
	$(NKE) validate
	@$(NKE) coverage > dist/coverage.txt; status=$$?; tail -n 1 dist/coverage.txt; exit $$status

build: setup ## build the graph into dist/
	$(NKE) build

validate: setup ## validate dist/ against ontology/shapes.ttl
	$(NKE) validate

test: setup ## run the test suite but the tests marked slow (one worker per core: pytest-xdist)
	$(BIN)/python -m pytest -q -n auto --dist loadgroup -m "not slow"

test-slow: setup ## run only the tests marked slow (every catalogue case on the whole graph, ...)
	$(BIN)/python -m pytest -q -n auto --dist loadgroup -m slow

bench: setup ## time build, validate, queries, load and network at 0.1x, 1x, 3x beside Jena and Oxigraph (at most 20 min); writes bench/RESULTS.md
	$(BIN)/python bench/run.py

bench-full: setup ## the same with a 75-minute budget, so that every step is reached at 3x too; writes bench/RESULTS.md
	$(BIN)/python bench/run.py --budget 4500

network: build ## write the networks, pictures and the explorer to dist/network/
	$(NKE) network --input dist/nkelections.nq

expected: setup ## regenerate the competency queries' expected answers (review the diff!)
	$(BIN)/python tests/regenerate_expected.py

release: setup ## build release/nkelections-VERSION.tar.gz (+ .sha256) of HEAD from a clean clone
	PYTHON=$(BIN)/python sh scripts/release.sh

lint: setup ## ruff (lint and format), the import layers (import-linter) and types (mypy)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy src/nkelections

format: setup ## rewrite code in ruff's format
	$(BIN)/ruff format src tests bench

clean: ## remove dist/ and the virtual environment
	rm -rf dist $(VENV)
