# Two commands for a new machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-dev browser migrate seed serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# The demo: venv, install, migrate, seed, serve on http://127.0.0.1:5000
run: seed
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-style: gunicorn with several workers (set DATABASE_URL, SECRET_KEY, APP_ENV=production).
serve: migrate
	$(BIN)/gunicorn --workers $${WORKERS:-4} --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: install-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) instance/*.sqlite3*
