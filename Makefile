# KubeLab: `make run` starts everything on this machine; `make test` runs the checks CI runs.
# Both create .venv on first use and reinstall the project only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Everything runs as `python -m ...` from this directory, so the working tree's packages win over
# what the editable install mapped when it was made; reinstalling only follows pyproject.toml.
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint clean

run: $(VENV)/.installed
	$(PY) -m web.devserver

test: $(VENV)/.installed-dev lint
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy cluster web
	$(VENV)/bin/lint-imports

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf var/redis var/celerybeat-schedule* var/test.sqlite3* .mypy_cache .ruff_cache .pytest_cache
