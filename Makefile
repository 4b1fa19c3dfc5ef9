# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
READER := .venv-reader/.installed
BI := .venv-bi/.installed
LINT := $(VENV)/.linters
MANIFEST := dbt/target/manifest.json
DBT_SOURCES := $(shell find dbt -path dbt/target -prune -o -path dbt/logs -prune -o \( -name '*.sql' -o -name '*.yml' \) -print 2>/dev/null) $(wildcard sources/reference/*.csv)

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export SCARF_ANALYTICS := false

.PHONY: install run test ui manifest clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(LINT): $(STAMP) requirements-lint.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -r requirements-lint.lock
	touch $@

# ruff (lint and format check) over the Python, sqlfluff (dbt templater) over the models, and the rules of the
# dbt project and of the import graph (tests/test_dbt_project_rules.py, tests/test_import_graph.py).
.PHONY: lint
lint: $(LINT) $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p data/lint/work
	cd dbt && DAZU_DATA_DIR=$(CURDIR)/data/lint $(CURDIR)/$(BIN)/sqlfluff lint models --config $(CURDIR)/.sqlfluff
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_dbt_project_rules.py tests/test_import_graph.py \
	  tests/test_raw_tables.py

$(READER): requirements-reader.lock
	test -x .venv-reader/bin/python || $(PYTHON) -m venv .venv-reader
	.venv-reader/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-reader.lock
	touch $@

$(BI): requirements-bi.lock
	test -x .venv-bi/bin/python || $(PYTHON) -m venv .venv-bi
	.venv-bi/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-bi.lock
	touch $@

# Superset with the dashboards of bi/superset/assets/ on 127.0.0.1:$DAZU_BI_PORT (8088), reading the published
# warehouse read-only; its own venv (.venv-bi). Ctrl-C stops it.
.PHONY: bi
bi: $(BI)
	.venv-bi/bin/python bi/superset/serve.py

manifest: $(MANIFEST)

# dbt/target/manifest.json (the Dagster definitions) and the parsed manifest the runs load (dagster_project/dbt_runner.py)
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/python -m dagster_project.dbt_runner
	touch $@

run: $(MANIFEST)
	$(BIN)/python -m dagster_project.run_once

test: $(MANIFEST) $(READER) $(BI)
	$(BIN)/python -m pytest

ui: $(MANIFEST)
	DAGSTER_HOME=$${DAGSTER_HOME:-$$($(BIN)/python -c 'from dagster_project.instance import ensure_dagster_home; from dagster_project.settings import load_settings; print(ensure_dagster_home(load_settings()))')} \
	  PYTHONPATH=$(CURDIR)$${PYTHONPATH:+:$$PYTHONPATH} $(BIN)/dagster dev -h 127.0.0.1 -p $${DAGSTER_PORT:-3000}

# dbt's documentation site for the published warehouse on 127.0.0.1:$DAZU_DOCS_PORT (8080); Ctrl-C stops it
.PHONY: docs
docs: $(STAMP)
	$(BIN)/python -m dagster_project.docs_site

# make forms PERIOD=2024H1: pre-filled forms per department into $DAZU_DATA_DIR/forms/ (from the published warehouse)
.PHONY: forms check
forms: $(STAMP)
	@test -n "$(PERIOD)" || { echo "usage: make forms PERIOD=2024H1"; exit 2; }
	$(BIN)/python -m dagster_project.forms "$(PERIOD)"

# make check FILE=report.xlsx: the review the file would get, nothing landed
check: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make check FILE=path/to/report.xlsx"; exit 2; }
	$(BIN)/python -m dagster_project.precheck "$(FILE)"

clean:
	rm -rf data dbt/target dbt/logs .pytest_cache .venv-reader .venv-bi

# Synthetic 规上工业企业月报 (sample data) into data/sample/<scale>/: make sample-data SCALE=district|city|national
SCALE ?= district
.PHONY: sample-data
sample-data: $(STAMP)
	$(BIN)/python sources/generate_enterprises.py --scale $(SCALE) --out data/sample/$(SCALE) \
	  --format $(if $(filter district,$(SCALE)),csv,parquet)

# Wall time and peak memory of the enterprise path against a DuckDB floor and a pandas script, the nightly
# job and the UI start-up, written to docs/benchmarks.md. BENCH_ARGS="--quick" (district and city only) or
# BENCH_ARGS="--scales district,city".
.PHONY: bench
bench: $(MANIFEST) $(BI)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
