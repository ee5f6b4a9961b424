# rmatch developer commands. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)

.PHONY: demo test test-slow lint typecheck docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rmatch demo -o pairs.csv

# `make test` leaves out the tests marked slow (`-m "not slow"` in pyproject.toml) and
# ends by saying how many; `make test-slow` runs only those (the later -m wins).
test: $(STAMP) lint typecheck docs
	$(BIN)/python -m pytest -n 2 --durations=10

test-slow: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m slow --durations=10

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(CURDIR)/site
	@# mkdocstrings renders markdown: a Sphinx role (:func:`x`) or a cross-reference
	@# autorefs could not resolve ([`x`][rmatch.y]) would show up literally on the site.
	@if grep -rnoE ':(func|class|meth|attr|mod|data|exc|obj):`[^`]*`|\]\[rmatch\.[A-Za-z_.]*\]' \
		--include='*.html' $(CURDIR)/site; then \
		echo 'docs: literal Sphinx roles or unresolved cross-references in the built site'; \
		exit 1; fi

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
