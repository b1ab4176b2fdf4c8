# Two commands for a new machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-dev browser migrate seed serve backup restore bench clean

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

# Backups (docs/DEPLOY.md): pg_dump's custom format for PostgreSQL, SQLite's online
# backup API for a SQLite file; DATABASE_URL as the app reads it.
BACKUP_DIR ?= backups
DB_URL = $${DATABASE_URL:-sqlite:///$(CURDIR)/instance/vanban.sqlite3}
PG_URL = $$(printf %s "$$url" | sed 's/+psycopg//')
SQLITE_COPY = $(PYTHON) -c 'import sqlite3, sys; s, d = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()'

backup:
	@mkdir -p $(BACKUP_DIR); url="$(DB_URL)"; stamp=$$(date +%Y%m%d-%H%M%S); \
	case "$$url" in \
	  postgres*) out="$(BACKUP_DIR)/vanban-$$stamp.dump"; pg_dump --format=custom --no-owner --file "$$out" "$(PG_URL)" ;; \
	  sqlite:///*) out="$(BACKUP_DIR)/vanban-$$stamp.sqlite3"; $(SQLITE_COPY) "$${url#sqlite:///}" "$$out" ;; \
	  *) echo "backup: unsupported DATABASE_URL $$url" >&2; exit 1 ;; \
	esac && echo "backup written to $$out"

# make restore FILE=backups/vanban-YYYYmmdd-HHMMSS.dump (stop the app and the workers first)
restore:
	@test -f "$(FILE)" || { echo "usage: make restore FILE=<a file written by make backup>" >&2; exit 1; }
	@url="$(DB_URL)"; \
	case "$$url" in \
	  postgres*) pg_restore --clean --if-exists --no-owner --single-transaction --dbname "$(PG_URL)" "$(FILE)" ;; \
	  sqlite:///*) $(SQLITE_COPY) "$(FILE)" "$${url#sqlite:///}" ;; \
	  *) echo "restore: unsupported DATABASE_URL $$url" >&2; exit 1 ;; \
	esac && echo "restored $(FILE)"

test: install-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each script prints one JSON object (figures, ratios to a same-run baseline, meets_goal);
# common.py and floor.py (the raw-SQL floor) are their shared helpers. pages.py keeps its
# generated database between runs (`$(BIN)/python bench/pages.py --regenerate` rebuilds it).
# A script that fails fails the target.
bench: install-dev
	@status=0; for f in bench/*.py; do \
	  case $$f in bench/common.py|bench/floor.py) continue;; esac; \
	  echo "== $$f"; $(BIN)/python $$f || status=1; done; exit $$status

clean:
	rm -rf $(VENV) instance/*.sqlite3*
