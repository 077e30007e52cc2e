# Thin wrappers around the project's commands; the logic lives in manage.py commands and tests.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages compilemessages bench install

$(VENV)/.installed: pyproject.toml requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

install: $(VENV)/.installed

## run: install, migrate, compile messages, load the demo content and serve on http://127.0.0.1:8000
run: $(VENV)/.installed compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite; it starts PostgreSQL, an S3 server and a search emulator itself
test: $(VENV)/.installed compilemessages
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: refresh the catalogues in locale/ from the code and templates (needs GNU gettext)
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --no-obsolete -l fr -l en -l de -l lb -l nl --ignore=.venv --ignore=var

## compilemessages: .po -> .mo with polib, so no system gettext is needed to run or test
compilemessages: $(VENV)/.installed
	$(PY) -c "import glob, polib; [polib.pofile(p).save_as_mofile(p[:-3] + '.mo') for p in glob.glob('locale/*/LC_MESSAGES/*.po')]"

bench: $(VENV)/.installed compilemessages
	$(PY) bench/pages.py
