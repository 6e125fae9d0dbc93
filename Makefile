# The two commands a newcomer runs: `make book` (build the website) and `make test` (run every test).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
NOTEBOOKS_TESTED := chapters solutions
NBVAL := -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
         --nbval-cell-timeout=600 -n 2 --dist loadscope
export DLCOURSE_HEADLESS := 1

.PHONY: book test unit nbval lint execute exercises clean venv pdf full-gpu bench

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
	@# d2l 0.17.6 itself, without its pinned dependencies, for the side-by-side tests of the classic API
	$(PY) -m pip install -q --no-deps --target $(VENV)/d2l-0.17.6 "d2l==0.17.6" || \
	  echo "d2l 0.17.6 could not be installed: tests/test_d2l_side_by_side.py will be skipped"
	touch $@

venv: $(VENV)/.test-installed

book: $(VENV)/.book-installed
	$(PY) tools/benchmarks_page.py
	rm -rf _build/html
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going --quiet
	@echo "Website built: $(CURDIR)/_build/html/index.html"

# The book as one PDF (_build/pdf/book.pdf): each built page printed by Debian's Chromium, then joined.
$(VENV)/.pdf-installed: | $(PY)
	$(PY) -m pip install -q "playwright>=1.40" "pypdf>=3" "pyyaml>=5.1"
	touch $@

pdf: book $(VENV)/.pdf-installed
	$(PY) tools/make_pdf.py
	@# rebuild so that the front page links the PDF (and the website carries a copy)
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going --quiet

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

# Chapters 11-24 in the full preset on one CUDA GPU, executed into copies (_build/full-gpu/), records into
# benchmarks/full-gpu.json. FULL_GPU_ARGS passes options, e.g. FULL_GPU_ARGS="--chapters 17,21 --jobs 2".
full-gpu: $(VENV)/.test-installed
	$(PY) tools/full_gpu.py $(FULL_GPU_ARGS)

# Our code against the reference courses' own, in one run on this machine (run it on a quiet machine, after
# the chapters' final runs): writes benchmarks/results.json, then the Benchmarks page. BENCH_ARGS passes options.
bench: $(VENV)/.test-installed
	$(PY) -c "import d2l, scipy" 2>/dev/null || $(PY) -m pip install -q --no-deps "d2l==1.0.3" scipy
	$(PY) benchmarks/bench_vs_d2l.py $(BENCH_ARGS)
	$(PY) tools/benchmarks_page.py

# Regenerate the student notebooks in exercises/ from solutions/ (the one source).
exercises: $(VENV)/.test-installed
	$(PY) tools/make_exercises.py

clean:
	rm -rf _build
