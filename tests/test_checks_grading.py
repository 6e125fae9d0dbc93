"""``dlcourse grade`` on the course's own notebooks, in one batch: every solution notebook scores full marks
on the fresh exercise parameters the grader draws for it, every blank exercise notebook scores 0 (and runs
without an error), and typed constants (the answers of a default run, copied) lose the points of every
exercise whose point is a procedure.

Slow (about 50 kernels in the sandbox): a few minutes on two cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch
from notebook_answers import all_answers, exercise_notebooks, solution_notebooks

from dlcourse import checks

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def literal(v) -> str:
    """Python source that rebuilds ``v`` (numbers, strings, lists, tuples, dicts, tensors)."""
    if isinstance(v, torch.Tensor):
        return f"torch.tensor({v.tolist()!r}, dtype={v.dtype})"
    if isinstance(v, (list, tuple)):
        inner = ", ".join(literal(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {literal(x)}" for k, x in v.items()) + "}"
    return repr(v)


def typed_notebooks(out: Path) -> dict[str, list[str]]:
    """For every chapter with converted exercises, a notebook that types the default run's answers in."""
    default = all_answers(None)
    by_chapter: dict[str, list[str]] = {}
    for ex_id in sorted(default, key=checks._order):
        ex = checks.get(ex_id)
        if ex.params is None and ex.probe is None:
            continue
        by_chapter.setdefault(checks.chapter_of(ex_id), []).append(ex_id)
    for chapter, ids in by_chapter.items():
        cells = ["import torch\n\nimport dlcourse as dl"]
        for ex_id in ids:
            ex = checks.get(ex_id)
            # a model or function answer: typing any number in its place; else the default run's answer
            answer = 0.9 if ex.probe is not None else checks.prepare(ex, default[ex_id], checks.params_of(ex, None))
            cells.append(f'dl.check("{ex_id}", {literal(answer)})')
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["dlcourse"] = {"assignment": chapter}
        nbformat.write(nb, out / f"typed-{chapter}.ipynb")
    return by_chapter


def test_solutions_score_full_marks_blanks_zero_and_typed_constants_lose_the_procedures(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for nb in solution_notebooks():
        (subs / f"solution-{nb.name[:2]}.ipynb").write_text(nb.read_text())
    for nb in exercise_notebooks():
        (subs / f"blank-{nb.name[:2]}.ipynb").write_text(nb.read_text())
    converted = typed_notebooks(subs)
    r = subprocess.run([sys.executable, "-m", "dlcourse", "grade", str(subs), "--jobs", "2", "--timeout", "900",
                        "--cell-timeout", "600", "--db", str(tmp_path / "gb.sqlite"), "--json",
                        str(tmp_path / "grades.json"), "--feedback", ""], capture_output=True, text=True,
                       cwd=tmp_path, timeout=3600)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = {row["student"]: row for row in json.loads((tmp_path / "grades.json").read_text())}
    problems = []
    for name, row in sorted(rows.items()):
        kind, chapter = name.split("-")
        lost = {e["exercise"]: e["reason"] for e in row["exercises"] if not e["passed"]}
        if row["assignment"] != chapter:
            problems.append(f"{name}: graded as assignment {row['assignment']}")
        if kind == "solution" and (row["score"] != row["max_score"] or row["status"] != "ok"):
            problems.append(f"{name}: {row['score']}/{row['max_score']} ({row['status']}): {lost}")
        if kind == "blank" and (row["score"] != 0 or row["status"] != "ok"
                                or any("not answered yet" not in why for why in lost.values())):
            problems.append(f"{name}: {row['score']}/{row['max_score']} ({row['status']}): {lost}")
        if kind == "typed":  # it answers only the converted exercises, each with a typed constant
            kept = [i for i in converted[chapter] if i not in lost]
            if kept or any("no dl.check" not in lost[i] for i in lost if i not in converted[chapter]):
                problems.append(f"{name}: a typed constant passed {kept}: {lost}")
    assert len(rows) == 48 + len(converted)
    assert not problems, "\n".join(problems)
