# One entry point for people and CI. Only python3 (>= 3.11) and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench

.PHONY: demo test check lint typecheck fuzz bench screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . --group dev
	touch $@

$(BENCH): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --group bench
	touch $@

demo: $(STAMP)  ## run the main job on the bundled seed pages
	$(BIN)/python -m dedupe_news demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck  ## lint, type-check, and the tests with branch coverage
	$(BIN)/python -m pytest --cov --cov-branch --cov-report=term -q

check: test

fuzz: $(STAMP)  ## the fuzz suite with many more examples
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -k fuzz tests

bench: $(BENCH)  ## the peers side by side, then the main job end to end (slow; not in make test)
	$(BIN)/python -m benchmarks compare
	$(BIN)/python -m benchmarks main-job

screenshot: $(STAMP)  ## docs/report-html.png: the seed pages' HTML report (needs chromium; not in make test)
	$(BIN)/python -m benchmarks screenshot

clean:
	rm -rf $(VENV) .coverage .mypy_cache .ruff_cache .pytest_cache .hypothesis
