# microdrama: `make run` serves the demo, `make test` runs the whole suite.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test bench lint venv system-deps demo validate messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	@bash scripts/system-deps.sh runtime
	$(BIN)/microdrama db upgrade
	$(BIN)/microdrama demo load --if-empty
	$(BIN)/microdrama index compute --period 2025-11 --if-missing --publish
	$(BIN)/microdrama serve --host $(HOST) --port $(PORT)

test: venv system-deps
	$(BIN)/python -m pytest -q

system-deps:
	@bash scripts/system-deps.sh

bench: venv
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || true
	$(BIN)/python -m bench

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

validate: venv
	$(BIN)/python -m bench.validate

messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k N_ -o /tmp/microdrama-messages.pot .
	$(BIN)/pybabel update -i /tmp/microdrama-messages.pot -d src/microdrama/locale --no-fuzzy-matching

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
