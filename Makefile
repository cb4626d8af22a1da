# Quick start: `make demo` then `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DOCS_STAMP := $(VENV)/.installed-docs-stamp
SITE   ?= site

.PHONY: demo test lint pytest bench baseline docs fuzz clean

# `make demo` installs the library with its test extras only; `make test` and `make docs` add
# the documentation tools (the `docs` extra).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	@touch $(DOCS_STAMP)

## Run the main job on built-in defaults.
demo: $(STAMP)
	$(BIN)/cevns demo

## The whole test suite: lint, type check, tests (benchmarks run once as tests), docs build.
test: lint pytest docs

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

## Property-based robustness tests with many fresh random examples (make test runs 15 each).
FUZZ_EXAMPLES ?= 400
fuzz: $(STAMP)
	CEVNS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CEVNS_FUZZ_RANDOM=1 $(BIN)/python -m pytest tests/robustness -q -p no:cacheprovider

## Timed benchmarks (pytest-benchmark), reported as ratios to the naive path of the same run.
bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-enable --benchmark-only --benchmark-columns=min,median,mean,rounds

## Re-render the figure baselines of the visual regression test (look at each changed PNG
## in tests/plotting/baseline/ before committing it).
baseline: $(STAMP)
	CEVNS_UPDATE_BASELINES=1 $(BIN)/python -m pytest tests/plotting/test_figures.py -q

## The documentation site (MkDocs, warnings are errors, offline) into $(SITE)/.
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir $(SITE)  # no --quiet: it would hide the warnings from --strict

## Scan benchmarks: 100 x 100 joint NSI scan on 2 workers (vs Dask with 1), FC coverage.
bench-scan: $(STAMP)
	$(BIN)/python benchmarks/scan_joint_nsi.py --n 100 --executor dask --workers 2 --compare --pointwise
	$(BIN)/python benchmarks/fc_coverage.py --toys 4000 --pseudo 4000

clean:
	rm -rf $(VENV) $(SITE) .pytest_cache .mypy_cache .ruff_cache .benchmarks
