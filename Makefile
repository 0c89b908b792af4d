# The two commands: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
APPS := accounts consultations consultations/budget consultations/referenda karta services districts opendata accessibility
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# Debian packages: for serving (PDF rendering, message compilation) and for the tests.
RUN_DEBS := python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_DEBS := postgresql redis-server chromium

.PHONY: run test lint typecheck pytest bench messages compilemessages deps-run deps-test deps-bench clean

# The demo on the embedded default (config.settings.local): the SQLite file var/demo.sqlite3
# (kept between runs; seed_demo is idempotent), Celery eager, e-mail to the console.
run: export DJANGO_SETTINGS_MODULE := config.settings.local
run: deps-run $(VENV)/.synced compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo; echo "  Portal: http://127.0.0.1:8000/  (English: http://127.0.0.1:8000/en/)"
	@echo "  Demo logins are listed above (seed_demo). Ctrl+C stops the portal."; echo
	$(PY) manage.py runserver 127.0.0.1:8000

test: deps-run deps-test $(VENV)/.synced compilemessages lint typecheck pytest

pytest:
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy

bench: deps-run deps-test deps-bench $(VENV)/.synced compilemessages
	@for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# --- set-up steps ------------------------------------------------------------------------
# Installs the Debian packages named in $(1) that are missing (one apt run, none when all are there).
define apt_install_missing
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
endef

deps-run:
	$(call apt_install_missing,$(RUN_DEBS))

deps-test:
	$(call apt_install_missing,$(TEST_DEBS))

# wrk drives bench/pb_voting.py (a Python client would take CPU from the server it measures).
deps-bench:
	$(call apt_install_missing,wrk)

$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check "uv==0.9.30"
	$(UV) sync --frozen --inexact
	touch $@

messages:
	$(PY) manage.py makemessages -l en -l pl --no-obsolete --add-location file \
	  $(foreach d,.venv tests bench var $(APPS),--ignore '$(d)/*')
	@for app in $(APPS); do mkdir -p $$app/locale; \
	  (cd $$app && $(abspath $(PY)) $(abspath manage.py) makemessages -l en -l pl --no-obsolete --add-location file) || exit 1; done

compilemessages: $(VENV)/.synced
	$(PY) manage.py compilemessages --ignore '.venv/*' -v 0

clean:
	rm -rf $(VENV) var db.sqlite3
