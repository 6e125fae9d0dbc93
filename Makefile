# The two commands a newcomer runs: `make book` (build the website) and `make test` (run every test).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
NOTEBOOKS_TESTED := chapters solutions
NBVAL := -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
         --nbval-cell-timeout=600 -n 2 --dist loadscope
export DLCOURSE_HEADLESS := 1

.PHONY: book test unit nbval lint execute exercises clean venv

$(PY):
	$(PYTHON) -m venv $(VENV)

# Building the website needs only Jupyter Book: the notebooks' outputs are stored, nothing is executed.
$(VENV)/.book-installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q "jupyter-book>=1.0,<2" "myst-nb>=1.0" "sphinx-book-theme>=1.1,<1.3" \
	  "pydata-sphinx-theme>=0.15,<0.17"
	touch $@

# Tests need the package with its test extras (and so PyTorch).
$(VENV)/.test-installed: pyproject.toml requirements.txt | $(PY)
	$(PY) -m pip install -q -e ".[test,book]"
	touch $@

venv: $(VENV)/.test-installed

book: $(VENV)/.book-installed
	$(PY) tools/benchmarks_page.py
	rm -rf _build/html
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going --quiet
	@echo "Website built: $(CURDIR)/_build/html/index.html"

lint: $(VENV)/.test-installed
	$(PY) -m ruff check .

unit: $(VENV)/.test-installed
	$(PY) -m pytest tests -q -n 2

# Every chapter and solution notebook in the smoke preset; exit code 5 (nothing collected) is not a failure.
# One thread per kernel: two xdist workers share the 2 cores, and oversubscribed threads slow small models 10x.
nbval: $(VENV)/.test-installed
	DLCOURSE_PRESET=smoke OMP_NUM_THREADS=1 $(PY) -m pytest $(NBVAL) $(NOTEBOOKS_TESTED) -q; \
	  status=$$?; if [ $$status -eq 5 ]; then echo "nbval: no notebooks collected"; exit 0; fi; exit $$status

# The book is built first: the browser tests read _build/html.
test: lint book unit nbval

# Re-run notebooks and store their outputs: make execute NB="chapters/01_tensors.ipynb" PRESET=lite
PRESET ?= lite
execute: $(VENV)/.test-installed
	$(PY) tools/execute.py --preset $(PRESET) $(NB)

# Regenerate the student notebooks in exercises/ from solutions/ (the one source).
exercises: $(VENV)/.test-installed
	$(PY) tools/make_exercises.py

clean:
	rm -rf _build
