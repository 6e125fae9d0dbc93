"""exercises/ is generated from solutions/ (the one source) and agrees with the check modules; the skeletons
keep their loops, link back to their chapter, and hide the solutions."""

import ast
import re
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
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def code(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_exercises_are_up_to_date():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr + "\nrun `make exercises` and commit exercises/"


def test_one_exercise_notebook_per_solution():
    assert [p.name for p in EXERCISES] == [p.name for p in SOLUTIONS] and len(SOLUTIONS) == 24


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_heading_points_match_the_check_modules(solution):
    nb = nbformat.read(solution, as_version=4)
    headings = make_exercises.exercise_headings(nb)
    calls = {i for c in nb.cells if c.cell_type == "code" for i in re.findall(
        r"""check\(\s*["'](\d+\.\w+)["']""", c.source)}
    assert make_exercises.points_mismatches(nb) == []
    # every exercise heading is checked in the notebook, and every check has a heading
    assert {h[0] for h in headings} == calls
    # the headings list all the chapter's registered exercises
    assert [h[0] for h in headings] == checks.exercises_of(solution.name[:2])


@pytest.mark.parametrize("exercise", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_each_exercise_notebook_links_to_its_chapter_at_the_top(exercise):
    nb = nbformat.read(exercise, as_version=4)
    title = next(c for c in nb.cells if c.cell_type == "markdown")
    assert title.source.startswith(f"# Exercises {int(exercise.name[:2])} · ")
    assert f"](../chapters/{exercise.name})" in title.source
    assert (ROOT / "chapters" / exercise.name).exists()
    assert nb.metadata["dlcourse"] == {"assignment": exercise.name[:2]}
    text = "\n".join(c.source for c in nb.cells)
    assert "{doc}" not in text  # MyST roles show as raw text on Colab and in Jupyter
    assert "<!-- Generated from solutions/" in title.source  # for contributors, invisible to readers


@pytest.mark.parametrize("exercise", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_skeletons_hide_the_solutions_and_still_parse(exercise):
    nb = nbformat.read(exercise, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "BEGIN SOLUTION" not in cell.source and not cell.outputs
            ast.parse(cell.source)
    solution_lines = set()
    for cell in nbformat.read(ROOT / "solutions" / exercise.name, as_version=4).cells:
        inside = False
        for line in cell.source.split("\n"):
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and "=" in line and not line.strip().startswith(("#", "for ", "with ", "if ", "def ")):
                solution_lines.add(line.strip())
    assert not solution_lines & {line.strip() for line in code(exercise).split("\n")}


@pytest.mark.parametrize("name, loops", [
    ("06_gradient_descent", ["for _ in range(p.steps):", "for v in losses.tolist():", "for _ in range(p.epochs):",
                             "    for i in range(0, len(x), p.batch_size):"]),
    ("09_logistic_regression", ["for _ in range(1000):", "with torch.no_grad():"]),
    ("13_model_selection_weight_decay", ["for _ in range(p.steps):"]),
])
def test_skeletons_keep_their_loops(name, loops):
    lines = [line.strip() for line in code(ROOT / "exercises" / f"{name}.ipynb").split("\n")]
    for loop in loops:
        assert loop.strip() in lines, loop
    for junk in ("order", "idx", "err", "i", "l", "eta", "lam", "vals", "s"):  # the solutions' own names
        assert f"{junk} = ...  # YOUR CODE HERE" not in lines


def test_prompts_that_point_at_code_have_code():
    nb = nbformat.read(ROOT / "exercises" / "02_data_preprocessing.ipynb", as_version=4)
    i = next(k for k, c in enumerate(nb.cells) if "Exercise 02.4" in c.source)
    assert "```python\na = torch.arange(6)" in nb.cells[i].source  # the code to predict is shown
    for cell in nb.cells:
        assert "Run the code below in your head" not in cell.source


def test_chapter_01_pair_has_its_five_exercises():
    nb = nbformat.read(ROOT / "solutions" / "01_tensors.ipynb", as_version=4)
    assert [(i, p) for i, _, p in make_exercises.exercise_headings(nb)] == [
        ("01.1", 1), ("01.2", 1), ("01.3", 2), ("01.4", 1), ("01.5", 2)]
    text = code(ROOT / "exercises" / "01_tensors.ipynb")
    assert "torch.from_numpy(a)" not in text and "t = ...  # YOUR CODE HERE" in text


def test_points_mismatch_is_reported():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 01.3 · slicing (3 points)"),
                nbformat.v4.new_markdown_cell("## Exercise 01.8 · nothing (1 point)")]
    problems = make_exercises.points_mismatches(nb)
    assert problems[0] == "01.3: the heading says 3 points, the check module 2"
    assert problems[1].startswith("01.8: no check registered")
