# Every target creates .venv itself from the pinned requirements.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AS_OF ?=
AS_OF_FLAG := $(if $(AS_OF),--as-of $(AS_OF),)

.PHONY: setup system-packages site build check test lint bench bench-site browser-deps clean

# The Python packages, and the system packages the tests need (chromium, a CJK font) when
# they are missing: installed as root, otherwise a hint saying what to install.
setup: system-packages $(STAMP)

system-packages:
	@.ci/system-packages

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

check: $(STAMP)
	$(BIN)/python -m generator check $(AS_OF_FLAG)

build: $(STAMP)
	$(BIN)/python -m generator build $(AS_OF_FLAG)

# Build the records into site/ and serve it at http://127.0.0.1:8000 (Ctrl+C stops).
site: build
	$(BIN)/python -m generator serve --site-dir site --bind 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks

test: $(STAMP)
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_check.py

# Site build times on college-shaped histories against a bare mkdocs floor (sessions: 375, 1500,
# 6000); REPEAT=N: the best of N runs of each, taking turns.
bench-site: $(STAMP)
	$(BIN)/python benchmarks/bench_site.py $(if $(REPEAT),--repeat $(REPEAT),) $(SIZES)

# The browser the site tests drive, Debian's Chromium, and a CJK font (needs root; never
# `playwright install`); an error when they cannot be installed.
browser-deps:
	.ci/system-packages --required

clean:
	rm -rf $(VENV) site build .pytest_cache
