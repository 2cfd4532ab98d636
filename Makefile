# One-command entry points. `make run`: the platform on the embedded default; `make test`: the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

.env:
	printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

run: $(BIN)/.installed .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.installed
	SECRET_KEY=$${SECRET_KEY:-test-secret-key-long-enough-for-hmac-sha256} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(BIN)/.installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)  # the HTTP load generator (Debian)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
