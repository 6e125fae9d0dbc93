"""Generate the student notebooks in ``exercises/`` from the one source in ``solutions/`` (``make exercises``).

In a solution notebook, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are the reference
answer. The student notebook keeps the region's *structure* and blanks the lines the learner writes:

- ``for``/``while``/``with``/``if``/``def``/``class`` headers stay, and their bodies are blanked in turn;
- full-line comments stay (write them as hints); trailing comments go with the line they explain;
- ``return <expr>`` becomes ``return ...  # YOUR CODE HERE``;
- a name the rest of the notebook reads (the answer passed to ``dl.check``, a value a later cell plots) or a
  kept header reads becomes ``name = ...  # YOUR CODE HERE``; every other line the learner writes becomes
  ``# YOUR CODE HERE`` (``...  # YOUR CODE HERE`` where Python needs a statement). Names that only the
  solution uses internally (``i``, ``order``, ``err``) are never turned into prompts.

So the student notebook still runs top to bottom, and ``dl.check`` says "not answered yet". Cells tagged
``solution-only`` (hidden checks) are dropped, and outputs are cleared. The student notebook's metadata names
its assignment (``metadata.dlcourse.assignment = "NN"``), which the grader (``dlcourse grade``) reads.

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
MARK = "# YOUR CODE HERE"
BANNER = ("<!-- Generated from solutions/{name} by `make exercises`: edit the solution notebook, "
          "not this one. -->")
COMPOUND = (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.If, ast.FunctionDef,
            ast.AsyncFunctionDef, ast.ClassDef)


# ---- names ------------------------------------------------------------------------------------------

def bound_names(node: ast.AST) -> list[str]:
    """Names a simple statement binds (assignment targets; imports; for/with targets are not simple)."""
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    names = []
    for t in targets:
        for n in ast.walk(t):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id not in names:
                names.append(n.id)
    return names


def loaded_names(code: str) -> set[str]:
    """Every name ``code`` reads outside its solution regions (what the student notebook reads); code that
    does not parse (e.g. IPython magics) reads nothing here."""
    kept, inside = [], None
    for line in code.split("\n"):
        m = BEGIN.match(line)
        if m:
            inside = m.group(1)
            kept.append(f"{inside}pass")
        elif END.match(line):
            inside = None
        elif inside is None:
            kept.append(line)
    try:
        tree = ast.parse("\n".join(kept))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def assigned_names(code: str) -> list[str]:
    """Module-level names that ``code`` assigns, in order, also inside for/with/if blocks, plus imports and
    def/class names. Loop and ``with ... as`` variables are temporaries and are left out; function bodies are
    not looked into."""
    names: list[str] = []

    def visit(stmts):
        for node in stmts:
            found = [node.name] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                else bound_names(node)
            names.extend(n for n in found if n not in names)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for field in ("body", "orelse", "finalbody"):
                visit(getattr(node, field, []) or [])
            for handler in getattr(node, "handlers", []) or []:
                visit(handler.body)

    visit(ast.parse(code).body)
    return names


def _header_exprs(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.iter]
    if isinstance(node, (ast.While, ast.If)):
        return [node.test]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in node.items]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [*node.decorator_list, *node.args.defaults, *[d for d in node.args.kw_defaults if d]]
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases]
    return []


def _walk_statements(stmts):
    for node in stmts:
        yield node
        if isinstance(node, COMPOUND):
            yield from _walk_statements(node.body)
            yield from _walk_statements(getattr(node, "orelse", []) or [])


# ---- blanking one region ----------------------------------------------------------------------------

def blank_region(code: str, after: set[str] | None) -> list[str]:
    """The student's version of a solution region (dedented ``code``): structure kept, lines blanked.

    ``after``: names read after the region (in its cell and the following cells); None inside a function
    body, where only names a kept header reads are prompted.
    """
    tree = ast.parse(code)
    lines = code.split("\n")
    statements = list(_walk_statements(tree.body))
    bound_here = {n for s in statements if not isinstance(s, COMPOUND) for n in bound_names(s)}
    first_bound: dict[str, int] = {}
    for s in statements:
        if not isinstance(s, COMPOUND):
            for n in bound_names(s):
                first_bound[n] = min(first_bound.get(n, s.lineno), s.lineno)
    # a kept header that reads a name the learner writes above it: that name must be prompted
    header_reads: dict[str, ast.AST] = {}
    for s in statements:
        if isinstance(s, COMPOUND):
            for expr in _header_exprs(s):
                for n in ast.walk(expr):
                    if isinstance(n, ast.Name) and first_bound.get(n.id, s.lineno) < s.lineno:
                        header_reads.setdefault(n.id, s)
    wanted = (set(after or ()) & bound_here) | set(header_reads)
    # where each prompted name is prompted: its last binding at the region's top level before the first kept
    # header that reads it (so the loop reads a name the learner wrote), else its first binding anywhere
    where: dict[str, ast.AST] = {}
    for name in wanted:
        limit = header_reads[name].lineno if name in header_reads else float("inf")
        top = [s for s in tree.body if not isinstance(s, COMPOUND) and name in bound_names(s) and s.lineno < limit]
        anywhere = [s for s in statements if not isinstance(s, COMPOUND) and name in bound_names(s)]
        where[name] = top[-1] if top else anywhere[0]

    out: list[str] = []
    comments_done: set[int] = set()

    def comments_before(lineno: int, pad: str):
        """Full-line comments the solution wrote above the statement at ``lineno`` (kept as hints)."""
        i = lineno - 2
        found = []
        while i >= 0 and lines[i].strip().startswith("#") and i not in comments_done:
            found.append(i)
            i -= 1
        for i in reversed(found):
            comments_done.add(i)
            out.append(pad + lines[i].strip())

    def blank(pad: str):
        if not (out and out[-1] == pad + MARK):
            out.append(pad + MARK)

    def block(stmts):
        pad = " " * stmts[0].col_offset
        start = len(out)
        for node in stmts:
            comments_before(node.lineno, pad)
            if isinstance(node, COMPOUND) and node.body[0].lineno > node.lineno:
                first = min([node.lineno, *[d.lineno for d in getattr(node, "decorator_list", [])]])
                out.extend(lines[i].rstrip() for i in range(first - 1, node.body[0].lineno - 1)
                           if not lines[i].strip().startswith("#"))
                block(node.body)
                orelse = getattr(node, "orelse", []) or []
                if orelse:
                    else_line = next(i for i in range(orelse[0].lineno - 1, -1, -1)
                                     if re.match(r"(else\s*:|elif\b)", lines[i].strip()))
                    if not lines[else_line].strip().startswith("elif "):
                        out.append(pad + "else:")
                    block(orelse)  # an elif is an If in orelse: its header is printed there
            elif isinstance(node, ast.Return):
                out.append(pad + ("return ...  " + MARK if node.value is not None else "return"))
            else:
                names = [n for n in bound_names(node) if where.get(n) is node]
                if names:
                    if out and out[-1] == pad + MARK:
                        out.pop()  # the prompt says where to write; no separate marker just above it
                    out.extend(f"{pad}{n} = ...  {MARK}" for n in names)
                else:
                    blank(pad)
        if not any(line.strip() and not line.strip().startswith("#") for line in out[start:]):
            for k in range(len(out) - 1, start - 1, -1):
                if out[k] == pad + MARK:
                    out[k] = f"{pad}...  {MARK}"
                    break
            else:
                out.append(f"{pad}...  {MARK}")

    block(tree.body)
    return out


def strip_solutions(source: str, where: str, after: set[str] | None = None) -> str:
    """``source`` with each solution region blanked (see :func:`blank_region`).

    ``after``: names read by the notebook's later cells (the answer a later cell plots, say).
    """
    lines = source.split("\n")
    spans = []
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            if END.match(lines[i]):
                raise ValueError(f"{where}: END SOLUTION without BEGIN")
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not END.match(lines[j]):
            if BEGIN.match(lines[j]):
                raise ValueError(f"{where}: BEGIN SOLUTION inside a solution region")
            j += 1
        if j == len(lines):
            raise ValueError(f"{where}: BEGIN SOLUTION without END")
        spans.append((i, j, m.group(1)))
        i = j + 1
    out: list[str] = []
    prev = 0
    for i, j, indent in spans:
        out.extend(lines[prev:i])
        region = "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip()
                           for line in lines[i + 1:j])
        rest = "\n".join(lines[j + 1:])
        reads = None if indent else (loaded_names(rest) | set(after or ()))
        try:
            blanked = blank_region(region, reads)
        except SyntaxError as e:
            raise ValueError(f"{where}: the solution region does not parse on its own: {e}") from None
        out.extend(indent + line if line else line for line in blanked)
        prev = j + 1
    out.extend(lines[prev:])
    return "\n".join(out)


# ---- notebooks --------------------------------------------------------------------------------------

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
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    cells = []
    k_code = 0
    for k, cell in enumerate(student.cells):
        tags = cell.metadata.get("tags", [])
        for volatile in ("execution", "ExecuteTime"):  # timestamps of the solution's last run
            cell.metadata.pop(volatile, None)
        if cell.cell_type == "code":
            k_code += 1
            if "solution-only" in tags:
                continue
            later = set().union(*[loaded_names(c) for c in code[k_code:]])
            cell.source = strip_solutions(cell.source, f"{solution_path.name} cell {k}", later)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata["tags"] = [t for t in tags if t not in ("hide-input", "nbval-ignore-output")]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
        elif "solution-only" in tags:
            continue
        cells.append(cell)
    # the solution notebook is titled "# Solutions N · ...", its student version "# Exercises N · ..."
    title = next(i for i, c in enumerate(cells) if c.cell_type == "markdown")
    source = re.sub(r"^# Solutions\b", "# Exercises", cells[title].source)
    cells[title].source = source + "\n\n" + BANNER.format(name=solution_path.name)
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
