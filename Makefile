# The two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)
DEV_ENV := DEBUG=1

.PHONY: run test test-deps bench drills messages lint serve-worker serve-beat clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

## make run: virtualenv, install, migrate, demo data, serve on 127.0.0.1:8000 (tasks in-process)
run: venv
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py seed_activities
	$(DEV_ENV) $(BIN)/python manage.py seed_proposals
	$(DEV_ENV) $(BIN)/python manage.py seed_awards
	$(DEV_ENV) $(BIN)/python manage.py seed_supervision
	$(DEV_ENV) $(BIN)/python manage.py seed_liaison
	$(DEV_ENV) $(BIN)/python manage.py seed_livelihood
	$(DEV_ENV) $(BIN)/python manage.py seed_training
	$(DEV_ENV) $(BIN)/python manage.py seed_publicity
	$(DEV_ENV) $(BIN)/python manage.py seed_doctpl
	@echo "Serving on http://127.0.0.1:8000  (demo accounts: see README.md)"
	@$(DEV_ENV) $(BIN)/python manage.py run_scans --loop > /dev/null & scans=$$!; \
	  trap "kill $$scans 2>/dev/null" EXIT INT TERM; \
	  $(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## make test: the whole suite (browser and worker tests too) in TEST_WORKERS processes (default 2); installs Chromium, the CJK font and Redis if missing
TEST_WORKERS ?= 2
test: venv test-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

test-deps:
	bash scripts/ensure_test_deps.sh

## make bench: on PostgreSQL at the sizes the issues name: public pages under HTTP load (gunicorn + wrk) beside a hello view, then staff pages, archive, scans, import; one table (KEEP_DB=1 keeps the *bench* databases)
bench: venv
	bash scripts/bench/ensure_wrk.sh
	$(BIN)/python scripts/bench/run.py $(BENCH_ARGS)

## make drills: failure drills on PostgreSQL (Redis stopped/hung, worker killed, two beats, database cut, backup/restore, load); own redis-server, gunicorn, workers and drill_* databases
drills: venv
	$(BIN)/python scripts/drills/run.py $(DRILLS_ARGS)

## make messages: refresh and compile the translation catalogues
messages: venv
	$(BIN)/python scripts/catalogue.py

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 test-db.sqlite3 staticfiles
