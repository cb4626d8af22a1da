# Quick start: `make demo` then `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint pytest bench baseline clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## Run the main job on built-in defaults.
demo: $(STAMP)
	$(BIN)/cevns demo

## The whole test suite: lint, type check, tests (benchmarks run once as tests).
test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

## Timed benchmarks (pytest-benchmark); figures go in the issue notes.
bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-enable --benchmark-only --benchmark-columns=min,median,mean,rounds

## Re-render the figure baselines of the visual regression test (look at each changed PNG
## in tests/plotting/baseline/ before committing it).
baseline: $(STAMP)
	CEVNS_UPDATE_BASELINES=1 $(BIN)/python -m pytest tests/plotting/test_figures.py -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .benchmarks
