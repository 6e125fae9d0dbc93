"""Generate the student notebooks in ``exercises/`` from the one source in ``solutions/`` (``make exercises``).

In a solution notebook, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are the
reference answer. In the student notebook they become ``name = ...  # YOUR CODE HERE`` for every name
the region assigns (or a ``raise NotImplementedError`` inside a function body), so the notebook still
runs top to bottom and ``dl.check`` says "not answered yet". Cells tagged ``solution-only`` (hidden
checks) are dropped, and outputs are cleared. The student notebook's metadata names its assignment
(``metadata.dlcourse.assignment = "NN"``), which the grader (``dlcourse grade``) reads.

    python tools/make_exercises.py           # write exercises/
    python tools/make_exercises.py --check   # exit 1 if exercises/ is out of date
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbconventions  # noqa: E402

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
HEADING = re.compile(r"^##\s+Exercise\s+(\d+\.\w+)\s*·\s*(.*?)\s*\((\d+(?:\.\d+)?)\s+points?\)\s*$",
                     re.MULTILINE)
BANNER = ("> This notebook is generated from `solutions/{name}` by `make exercises`: edit the solution "
          "notebook, not this one.")


def assigned_names(code: str) -> list[str]:
    """Module-level names that `code` assigns, in order: assignments (also inside for/with/if/try blocks),
    imports, and def/class names. Loop and `with ... as` variables are temporaries and are left out;
    function bodies are not looked into."""
    names: list[str] = []

    def add_targets(*targets):
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name) and n.id not in names:
                    names.append(n.id)

    def visit(stmts):
        for node in stmts:
            if isinstance(node, ast.Assign):
                add_targets(*node.targets)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                add_targets(node.target)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name not in names:
                    names.append(node.name)
                continue
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    name = (alias.asname or alias.name).split(".")[0]
                    if name not in names:
                        names.append(name)
            for field in ("body", "orelse", "finalbody"):
                visit(getattr(node, field, []) or [])
            for handler in getattr(node, "handlers", []) or []:
                visit(handler.body)

    visit(ast.parse(code).body)
    return names


def strip_solutions(source: str, where: str) -> str:
    out: list[str] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            if END.match(lines[i]):
                raise ValueError(f"{where}: END SOLUTION without BEGIN")
            out.append(lines[i])
            i += 1
            continue
        indent = m.group(1)
        j = i + 1
        while j < len(lines) and not END.match(lines[j]):
            j += 1
        if j == len(lines):
            raise ValueError(f"{where}: BEGIN SOLUTION without END")
        region = "\n".join(line[len(indent):] for line in lines[i + 1:j])
        if indent:
            out.append(f'{indent}raise NotImplementedError("write this part")  # YOUR CODE HERE')
        else:
            names = assigned_names(region)
            out.extend(f"{n} = ...  # YOUR CODE HERE" for n in names) if names else out.append("# YOUR CODE HERE")
        i = j + 1
    return "\n".join(out)


def exercise_headings(nb) -> list[tuple[str, str, float]]:
    """(id, title, points) of every ``## Exercise NN.K · title (P points)`` heading, in order."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += [(m.group(1), m.group(2), float(m.group(3))) for m in HEADING.finditer(cell.source)]
    return found


def points_mismatches(nb) -> list[str]:
    """Headings whose points differ from the check module's (which is authoritative), or have no check."""
    sys.path.insert(0, str(nbconventions.ROOT))
    from dlcourse import checks

    problems = []
    for ex_id, _, points in exercise_headings(nb):
        try:
            ex = checks.get(ex_id)
        except KeyError:
            problems.append(f"{ex_id}: no check registered (dlcourse/checks/ch{checks.chapter_of(ex_id)}.py)")
            continue
        if float(ex.points) != points:
            problems.append(f"{ex_id}: the heading says {points:g} points, the check module {ex.points:g}")
    return problems


def student_notebook(solution_path: Path):
    nb = nbformat.read(solution_path, as_version=4)
    student = copy.deepcopy(nb)
    chapter = re.match(r"\d+", solution_path.name)
    if chapter:
        student.metadata["dlcourse"] = {"assignment": chapter.group(0).zfill(2)}
    cells = []
    for k, cell in enumerate(student.cells):
        tags = cell.metadata.get("tags", [])
        if "solution-only" in tags:
            continue
        for volatile in ("execution", "ExecuteTime"):  # timestamps of the solution's last run
            cell.metadata.pop(volatile, None)
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{solution_path.name} cell {k}")
            cell.outputs = []
            cell.execution_count = None
            cell.metadata["tags"] = [t for t in tags if t not in ("hide-input", "nbval-ignore-output")]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
        cells.append(cell)
    # the banner goes right after the title cell
    title = next(i for i, c in enumerate(cells) if c.cell_type == "markdown")
    # the solution notebook is titled "# Solutions N · ...", its student version "# Exercises N · ..."
    cells[title].source = re.sub(r"^# Solutions\b", "# Exercises", cells[title].source)
    cells.insert(title + 1, nbformat.v4.new_markdown_cell(BANNER.format(name=solution_path.name)))
    student.cells = cells
    return student


def render(nb) -> str:
    for i, c in enumerate(nb.cells):  # stable ids, so regenerating gives identical files
        c["id"] = f"cell-{i}"
    return nbformat.writes(nb) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for sol in nbconventions.notebooks(["solutions"]):
        for problem in points_mismatches(nbformat.read(sol, as_version=4)):
            print(f"warning: {sol.name}: {problem}", file=sys.stderr)
        target = nbconventions.ROOT / "exercises" / sol.name
        text = render(student_notebook(sol))
        if target.exists() and target.read_text() == text:
            continue
        stale.append(target)
        if not args.check:
            target.write_text(text)
            print(f"wrote {target.relative_to(nbconventions.ROOT)}")
    if args.check and stale:
        print("out of date (run `make exercises`): " + ", ".join(str(p.relative_to(nbconventions.ROOT)) for p in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
