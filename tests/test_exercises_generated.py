"""exercises/ is generated from solutions/ (the one source) and agrees with the check modules."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_exercises  # noqa: E402

from dlcourse import checks  # noqa: E402

SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def test_exercises_are_up_to_date():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr + "\nrun `make exercises` and commit exercises/"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_heading_points_match_the_check_modules(solution):
    nb = nbformat.read(solution, as_version=4)
    headings = make_exercises.exercise_headings(nb)
    calls = {i for c in nb.cells if c.cell_type == "code" for i in make_exercises.re.findall(
        r"""check\(\s*["'](\d+\.\w+)["']""", c.source)}
    assert make_exercises.points_mismatches(nb) == []
    # every exercise heading is checked in the notebook, and every check has a heading
    assert {h[0] for h in headings} == calls
    # the headings list all the chapter's registered exercises
    chapter = solution.name[:2]
    assert [h[0] for h in headings] == checks.exercises_of(chapter)


def test_chapter_01_pair_has_its_five_exercises():
    nb = nbformat.read(ROOT / "solutions" / "01_tensors.ipynb", as_version=4)
    assert [(i, p) for i, _, p in make_exercises.exercise_headings(nb)] == [
        ("01.1", 1), ("01.2", 1), ("01.3", 2), ("01.4", 1), ("01.5", 2)]
    student = nbformat.read(ROOT / "exercises" / "01_tensors.ipynb", as_version=4)
    assert student.metadata["dlcourse"] == {"assignment": "01"}
    text = "\n".join(c.source for c in student.cells)
    assert "### BEGIN SOLUTION" not in text and "torch.from_numpy(a)" not in text
    assert "t = ...  # YOUR CODE HERE" in text


def test_points_mismatch_is_reported():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 01.3 · slicing (3 points)"),
                nbformat.v4.new_markdown_cell("## Exercise 01.8 · nothing (1 point)")]
    problems = make_exercises.points_mismatches(nb)
    assert problems[0] == "01.3: the heading says 3 points, the check module 2"
    assert problems[1].startswith("01.8: no check registered")


def test_solution_regions_become_placeholders():
    src = "A = 1\n### BEGIN SOLUTION\nx, y = 2, 3\nz = x + y\n### END SOLUTION\ndl.check('01.1', z)"
    assert make_exercises.strip_solutions(src, "t") == (
        "A = 1\nx = ...  # YOUR CODE HERE\ny = ...  # YOUR CODE HERE\nz = ...  # YOUR CODE HERE\n"
        "dl.check('01.1', z)")
    body = "def f(a):\n    ### BEGIN SOLUTION\n    return a + 1\n    ### END SOLUTION"
    assert "raise NotImplementedError" in make_exercises.strip_solutions(body, "t")
    with pytest.raises(ValueError, match="BEGIN SOLUTION without END"):
        make_exercises.strip_solutions("### BEGIN SOLUTION\nx = 1", "t")
