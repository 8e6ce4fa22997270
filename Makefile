# passgenau — one command runner. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# `passgenau` commands use the development settings (DEBUG on, SQLite under var/) unless
# DJANGO_SETTINGS_MODULE says otherwise; the tests always use passgenau.web.settings.test.

.PHONY: run test test-engine bench lint fmt typecheck messages demo migrate install system-deps browser-deps clean

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/passgenau manage migrate --noinput

demo: migrate
	$(BIN)/passgenau demo

run: demo
	$(BIN)/passgenau serve --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download). Installed
# only when missing and we may (root); otherwise the browser tests skip and say why.
# Debian's DejaVu fonts for the PDFs in Cyrillic and Arabic script (referral slips, notices);
# installed only when missing and we may (root). Elsewhere set DIRECTORY_PDF_FONT to a TTF file.
system-deps:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's fonts-dejavu-core for the PDFs"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	fi

browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

test: $(STAMP) browser-deps
	DJANGO_SETTINGS_MODULE=passgenau.web.settings.test $(BIN)/pytest

test-engine: $(STAMP)
	$(BIN)/pytest tests/engine src/passgenau/engine

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

# Refresh the platform's catalogues from the source and compile every catalogue (the .mo files
# are committed, so a fresh clone needs no gettext tools; CI checks that they match the .po
# files). Apps with their own locale/ folder keep their strings there and are left out here.
# The platform's ar, fa and tr catalogues hold only the strings the public directory pages show
# (base layout, navigation and role names, as staff open the public pages too; the directory's
# own strings are in its catalogue): tools/public_catalogues.py keeps them to those strings from
# the fresh German catalogue and fails naming any still to translate by hand.
OWN_LOCALE_APPS := $(notdir $(patsubst %/locale,%,$(wildcard src/passgenau/apps/*/locale)))
messages: $(STAMP)
	cd src/passgenau && DJANGO_SETTINGS_MODULE=passgenau.web.settings.test \
		../../$(BIN)/django-admin makemessages -l de -l en -l uk -l ru --no-obsolete \
		--ignore 'engine/*' $(foreach app,$(OWN_LOCALE_APPS),--ignore 'apps/$(app)/*')
	$(BIN)/python tools/public_catalogues.py
	cd src/passgenau && DJANGO_SETTINGS_MODULE=passgenau.web.settings.test \
		../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
