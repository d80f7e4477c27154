# The two commands of the README: `make run` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test install lint typecheck bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run — set up, migrate the SQLite database, load demo data and serve on http://127.0.0.1:5000
## make run DOCUSIGN_FAKE=1 — the same, signing through DocuSign simulated by a local fake (docs/DOCUSIGN.md)
export DOCUSIGN_FAKE
run: install
	$(VENV)/bin/flask --app wizard demo serve

## make test — set up and run the whole suite (SQLite, then PostgreSQL when its binaries are installed)
test: install
	$(PY) -m tests.run_suite

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(PY) -m mypy

## make bench — the benchmarks of bench/ (installs the bench extra: the peer wizards' Django, formtools)
bench: install
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
