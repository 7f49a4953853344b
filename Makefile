# Two entry points do all set-up on a fresh machine:
#   make corpus   extract the bundled corpus to facts.csv
#   make test     run the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: corpus test install

$(BIN)/fazhi-ie: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/fazhi-ie

corpus: install
	$(BIN)/fazhi-ie extract corpus/ -o facts.csv --force

test: install
	$(BIN)/python -m pytest
