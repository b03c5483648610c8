# clara_keras developer commands. Only `python3` (3.10+) and `make` are needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BACKENDS ?= tensorflow jax torch
PYTEST_ARGS ?=

.PHONY: demo test lint format docs bench bench-quick clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Main job: install with the TensorFlow backend and train on the embedded digits.
$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[tensorflow]"
	touch $@

demo: $(VENV)/.demo-installed
	$(VENV)/bin/clara-keras train

# Test set-up: torch first (the CPU wheel), so the project's torch range is already satisfied.
$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e ".[all]"
	touch $@

lint: $(VENV)/.test-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.test-installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Lint, then the whole suite once per backend; fails if any backend fails.
test: lint
	@status=0; for b in $(BACKENDS); do \
	  echo "=== KERAS_BACKEND=$$b ==="; \
	  KERAS_BACKEND=$$b $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS) tests || status=1; \
	done; exit $$status

docs: $(VENV)/.test-installed
	$(VENV)/bin/mkdocs build --strict --site-dir site

bench: $(VENV)/.test-installed
	$(PY) benchmarks/run_all.py

bench-quick: $(VENV)/.test-installed
	$(PY) benchmarks/run_all.py --quick

clean:
	rm -rf $(VENV) site build dist *.egg-info runs
