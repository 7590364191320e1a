# sendportal: `make run` serves the portal with demo data; `make test` runs the whole suite; `make lint` checks it.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
TEST_WORKERS ?= 2

.PHONY: run test lint typecheck fmt bench loadtest drill check-deploy migrations-check venv clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ ! -x $(PY) ]; then \
	  PYBIN=$$(scripts/find-python) || exit 1; \
	  echo "Creating $(VENV) with $$PYBIN"; \
	  "$$PYBIN" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "sendportal is at http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The tests without the browser journeys on TEST_WORKERS processes (default 2), then the journeys one at a time
# (scripts/run-tests). PYTEST_ARGS go to both runs.
test: venv
	@scripts/ensure-chromium
	PY=$(PY) TEST_WORKERS=$(TEST_WORKERS) scripts/run-tests $(PYTEST_ARGS)

# ruff (lint and formatting), mypy (strict on the clock engine, the rules modules and the services) and djLint on the
# templates; pyproject.toml configures each.
lint: venv typecheck
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/djlint templates --lint

typecheck: venv
	$(PY) -m mypy

fmt: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: venv
	DJANGO_SETTINGS_MODULE=sendportal.settings.test $(PY) manage.py makemigrations --check --dry-run

check-deploy: venv
	DJANGO_SETTINGS_MODULE=sendportal.settings.production SECRET_KEY=ci-dummy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  ALLOWED_HOSTS=sendportal.example.gov.uk $(PY) manage.py check --deploy --fail-level WARNING

bench: venv
	$(PY) -m bench $(BENCH_ARGS)

# Load test: gunicorn on PostgreSQL seeded with 100,000 cases, 40 locust users (SERVERS=2: two app servers behind
# a round-robin balancer). LOADTEST_DATABASE_URL / LOADTEST_DATABASE choose the server and database name.
loadtest: venv
	$(PY) -m bench.load $(LOADTEST_ARGS)

# Fault drills on a throwaway PostgreSQL cluster started on a spare port: restart under load, slow database,
# full or unwritable media folder, backup and restore.
drill: venv
	$(PY) -m bench.drill $(DRILL_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache
