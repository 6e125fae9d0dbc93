"""Every notebook follows CONTRIBUTING.md: setup cell, metadata, stored outputs, run record, table of contents."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbconventions  # noqa: E402

NOTEBOOKS = nbconventions.notebooks()
TOC = (ROOT / "_toc.yml").read_text()


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_notebooks():
    assert any(p.parent.name == "chapters" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_setup_cell_matches_config(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and first.source == nbconventions.setup_cell_source(), \
        "the first cell must be the Colab setup cell from _config.yml: run `make execute` on this notebook"
    assert "remove-cell" in first.metadata.get("tags", [])
    assert nbconventions.repository_url() in first.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_colab_metadata_asks_for_a_gpu(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("accelerator") == "GPU" and nb.metadata["kernelspec"]["name"] == "python3"


EXECUTED = [p for p in NOTEBOOKS if p.parent.name in ("chapters", "solutions")]


@pytest.mark.parametrize("path", EXECUTED, ids=ids(EXECUTED))
def test_stored_outputs_come_from_one_top_to_bottom_run(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert all(n is not None for n in counts), "a code cell was never run (nbval would silently skip it)"
    assert counts == list(range(1, len(code) + 1)), "execution counts out of order: re-run with `make execute`"
    assert "run_record(" in code[-1].source, "the last code cell must call dl.run_record()"
    assert "nbval-ignore-output" in code[-1].metadata.get("tags", [])
    assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_cell_ends_with_a_semicolon(path):
    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.source.rstrip().endswith(";"), f"nbval 0.11 fails on a trailing ';': {c.source[-60:]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_is_in_the_table_of_contents(path):
    entry = str(path.relative_to(ROOT).with_suffix(""))
    assert re.search(rf"file:\s*{re.escape(entry)}\s*$", TOC, re.M), f"{entry} is missing from _toc.yml"


def test_chapter_numbers_follow_the_syllabus_order():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS if p.parent.name == "chapters"]
    assert numbers == sorted(numbers) and all(re.match(r"\d\d_", p.name) for p in NOTEBOOKS)
    toc_order = [int(m) for m in re.findall(r"file:\s*chapters/(\d\d)_", TOC)]
    assert toc_order == sorted(toc_order)


def test_every_solution_has_its_exercise_notebook_and_vice_versa():
    sols = {p.name for p in NOTEBOOKS if p.parent.name == "solutions"}
    exs = {p.name for p in NOTEBOOKS if p.parent.name == "exercises"}
    assert sols == exs
    chapters = {p.name for p in NOTEBOOKS if p.parent.name == "chapters"}
    assert sols <= chapters
