# The two commands of the README: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-fast lint system-deps system-deps-test bench eval clean airflow-celery airflow-celery-stop

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sohoa needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

system-deps:
	@bash scripts/ensure-system-deps.sh

system-deps-test:
	@bash scripts/ensure-system-deps.sh --browser

## Run the main job on the embedded default: sample batch → Airflow DAG in-process → SQLite.
demo: system-deps $(STAMP)
	$(VENV)/bin/sohoa demo

## All tests: fast unit tests and the slower integration tests (real Tesseract, Airflow, PostgreSQL).
test: system-deps-test $(STAMP)
	$(VENV)/bin/pytest

## Unit tests only, in seconds.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not integration"

lint: $(STAMP)
	$(VENV)/bin/ruff check .

eval: system-deps $(STAMP)
	$(VENV)/bin/sohoa eval sample_scans/corpus

bench: system-deps $(STAMP)
	$(VENV)/bin/python bench/ocr_vs_tesseract.py sample_scans/corpus

## Airflow scaled out: PostgreSQL metadata, CeleryExecutor on Redis, 2 workers (dags/README.md).
airflow-celery: $(STAMP)
	bash scripts/airflow-celery.sh start
airflow-celery-stop:
	bash scripts/airflow-celery.sh stop

clean:
	rm -rf var .pytest_cache .ruff_cache
