"""Run a notebook's code in this process and collect what it passes to ``dl.check``: the tests' source of
genuine answers (the solution notebooks' own procedures), on the default exercise parameters or on fresh ones.

Cells tagged ``colab-setup`` and the ``dl.run_record()`` cell are skipped; printing is swallowed.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
_CACHE: dict[tuple[str, str | None], dict] = {}


@contextlib.contextmanager
def exercise_seed(seed: str | None):
    """``DLCOURSE_EXERCISE_SEED`` set to ``seed`` (None: unset, the defaults) for the duration."""
    from dlcourse import checks

    old = os.environ.pop(checks.ENV_SEED, None)
    if seed is not None:
        os.environ[checks.ENV_SEED] = seed
    try:
        yield
    finally:
        os.environ.pop(checks.ENV_SEED, None)
        if old is not None:
            os.environ[checks.ENV_SEED] = old


def answers(notebook: str | Path, seed: str | None = None) -> dict:
    """{exercise id: the object the notebook passes to dl.check}, running the notebook's code cells."""
    notebook = Path(notebook)
    key = (str(notebook.resolve()), seed)
    if key in _CACHE:
        return _CACHE[key]
    import matplotlib
    import torch

    matplotlib.use("Agg")
    torch.set_num_threads(1)  # small models: one thread is fastest, and the answers do not depend on it
    import dlcourse
    from dlcourse import checks

    found: dict = {}

    def capture(ex_id, answer):
        found[ex_id] = answer

    nb = nbformat.read(notebook, as_version=4)
    namespace: dict = {"__name__": "__notebook__"}
    saved = dlcourse.check, checks.check
    dlcourse.check = checks.check = capture
    try:
        with exercise_seed(seed), contextlib.redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type != "code" or "colab-setup" in cell.metadata.get("tags", []):
                    continue
                if "run_record(" in cell.source:
                    continue
                exec(compile(cell.source, f"{notebook.name}", "exec"), namespace)
    finally:
        dlcourse.check, checks.check = saved
    _CACHE[key] = found
    return found


def solution_notebooks() -> list[Path]:
    return sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def exercise_notebooks() -> list[Path]:
    return sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))


def all_answers(seed: str | None = None) -> dict:
    out: dict = {}
    for nb in solution_notebooks():
        out.update(answers(nb, seed))
    return out
