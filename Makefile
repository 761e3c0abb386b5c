# Jalons — the two everyday commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# Test processes: one per core of the 2-core machines the suite runs on.
TEST_WORKERS ?= 2
export FLASK_APP := app

.PHONY: run test install install-test migrate seed lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[postgres]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[test,postgres]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask demo-seed

## Serve Jalons with demo data on http://$(HOST):$(PORT)
run: seed
	@echo "Jalons : http://$(HOST):$(PORT)"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - "app:create_app()"

## Run every test (unit, integration, browser)
test: install-test
	$(BIN)/ruff check app tests bench
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Measure Jalons against its bare page (see bench/README.md); BENCH_DB defaults to a 5 000 PLIE
BENCH_DB ?= /tmp/jalons-bench.db
bench: install
	test -f $(BENCH_DB) || (DATABASE_URL=sqlite:///$(BENCH_DB) $(BIN)/flask db upgrade && \
		DATABASE_URL=sqlite:///$(BENCH_DB) $(BIN)/flask bench-data --participants 5000 --seed 1)
	$(BIN)/python bench/run.py --database-url sqlite:///$(BENCH_DB)

lint: install-test
	$(BIN)/ruff check app tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
