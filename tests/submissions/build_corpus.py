"""Write the corpus of bad submissions that tests/test_grading.py grades (``python tests/submissions/build_corpus.py``).

Every notebook answers chapter 01's exercises (checks in dlcourse/checks/ch01.py: 01.1 1 pt, 01.2 1 pt,
01.3 2 pt, 01.4 1 pt, 01.5 2 pt; 7 in all) and misbehaves in one way. ``EXPECTED`` in test_grading.py says
what each must score and why. Placeholders ``__GRADEBOOK__`` and ``__PRIVATE__`` are filled in by the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

IMPORTS = "import numpy as np\nimport torch\n\nimport dlcourse as dl"
ANSWERS = {
    "01.1": 'M = torch.arange(12, dtype=torch.float32).reshape(3, 4)\ndl.check("01.1", M)',
    "01.2": 'shape = (2, 4, 3)\ndl.check("01.2", shape)',
    "01.3": 'X = torch.arange(20).reshape(4, 5)\nS = X[::2, -2:]\ndl.check("01.3", S)',
    "01.4": ('A = torch.zeros(3, 4)\nshapes = (torch.stack((A, A), dim=1).shape, torch.cat((A, A), dim=1).shape)\n'
             'dl.check("01.4", shapes)'),
    "01.5": 'a = np.ones(3)\nt = torch.from_numpy(a)\na += 1\ndl.check("01.5", t)',
}


def notebook(*cells: str, assignment: str | None = "01"):
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# Exercises 1 · Tensors")] + [new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if assignment:
        nb.metadata["dlcourse"] = {"assignment": assignment}
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    return nb


def answers(*ids: str, replace: dict | None = None) -> list[str]:
    replace = replace or {}
    return [replace.get(i, ANSWERS[i]) for i in ids]


ALL = ("01.1", "01.2", "01.3", "01.4", "01.5")

CORPUS = {
    # the control: every answer right
    "correct": notebook(IMPORTS, *answers(*ALL)),
    # wrong answers of several kinds
    "wrong": notebook(IMPORTS, *answers(*ALL, replace={
        "01.1": 'M = torch.arange(12).reshape(3, 4)\ndl.check("01.1", M)',
        "01.3": 'X = torch.arange(20).reshape(4, 5)\nS = X[::2, -3:]\ndl.check("01.3", S)',
        "01.5": 'a = np.ones(3)\nt = torch.tensor(a)\na += 1\ndl.check("01.5", t)'})),
    # an exception in a cell before its check
    "exception": notebook(IMPORTS, *answers(*ALL, replace={
        "01.3": ('X = torch.arange(20).reshape(4, 5)\nS = X[::2, -2:] / 0\nraise ValueError("oops")\n'
                 'dl.check("01.3", S)')})),
    # while True: pass, then more answers: the per-cell timeout interrupts it and the rest still runs
    "infinite_loop": notebook(IMPORTS, *answers("01.1", "01.2"), "while True:\n    pass",
                              *answers("01.3", "01.4", "01.5")),
    # swallows the interrupt: only the wall-clock kill ends it; what was recorded before still counts
    "ignores_interrupt": notebook(IMPORTS, *answers("01.1", "01.2"),
                                  "import time\n\nwhile True:\n    try:\n        time.sleep(0.2)\n"
                                  "    except KeyboardInterrupt:\n        pass",
                                  *answers("01.3", "01.4", "01.5")),
    # allocating 50 GB (and writing to it), inside exercise 01.3's cell
    "memory_hog": notebook(IMPORTS, *answers(*ALL, replace={
        "01.3": ('big = torch.empty(50 * 2**30 // 4)\nbig.fill_(1.0)\n'
                 'X = torch.arange(20).reshape(4, 5)\nS = X[::2, -2:]\ndl.check("01.3", S)')})),
    # os._exit(0) after two answers: the kernel dies, the two answers count
    "os_exit": notebook(IMPORTS, *answers("01.1", "01.2"), "import os\n\nos._exit(0)",
                        *answers("01.3", "01.4", "01.5")),
    # a bounded fork loop: children that linger a little, more of them than the process limit allows
    "fork_loop": notebook(IMPORTS, "import os\nimport time\n\nkids = 0\nfor _ in range(100):\n    pid = os.fork()\n"
                          "    if pid == 0:\n        time.sleep(1)\n        os._exit(0)\n    kids += 1\nprint(kids)",
                          *answers(*ALL)),
    # reads the package's check module and the instructor's private checks, prints them; answers right
    # unless the private file was readable (then it answers 01.2 with what it found)
    "read_checks": notebook(IMPORTS, "import inspect\nimport dlcourse.checks.ch01 as c\nprint(inspect.getsource(c))",
                            "try:\n    leaked = open('__PRIVATE__').read()\nexcept OSError:\n    leaked = ''\n"
                            "print(len(leaked))",
                            *answers(*ALL, replace={"01.2": 'shape = (2, 4, 3) if not leaked else leaked\n'
                                                             'dl.check("01.2", shape)'})),
    # replaces dl.check by one that always says "passed", forges answer files, and plants a pickle
    "patch_check": notebook(
        IMPORTS,
        "import dlcourse.checks as checks\n"
        "def always(ex_id, answer):\n    print(f'✓ Exercise {ex_id}: correct')\n"
        "dl.check = checks.check = always\n"
        "torch.allclose = torch.equal = lambda *a, **k: True",
        *answers(*ALL, replace={
            "01.1": 'M = torch.zeros(3, 4)\ndl.check("01.1", M)',
            "01.2": 'shape = (1, 1)\ndl.check("01.2", shape)'}),
        "import json\nimport os\nimport pickle\n\n"
        "d = os.environ.get('DLCOURSE_RECORD_ANSWERS', '.')\nos.makedirs(d, exist_ok=True)\n"
        "open(os.path.join(d, '01.3.json'), 'w').write(json.dumps({'kind': 'json', 'value': 'passed'}))\n"
        "class Evil:\n    def __reduce__(self):\n        return (os.system, ('touch /tmp/pwned',))\n"
        "open(os.path.join(d, '01.5.json'), 'w').write(json.dumps({'kind': 'torch', 'file': '../../../etc/passwd'}))\n"
        "open(os.path.join(d, '01.5.pt'), 'wb').write(pickle.dumps(Evil()))\n"
        "os.symlink('/etc/passwd', os.path.join(d, '01.4.json'))"),
    # writes into the gradebook and its journal
    "write_gradebook": notebook(IMPORTS, "for p in ('__GRADEBOOK__', '__GRADEBOOK__-journal'):\n    try:\n"
                                "        open(p, 'wb').write(b'garbage')\n        print('wrote', p)\n"
                                "    except OSError as e:\n        print(type(e).__name__)",
                                *answers(*ALL)),
    # about 150 MB of output
    "huge_output": notebook(IMPORTS, "for _ in range(100_000):\n    print('x' * 1000)",
                            "print('y' * 50_000_000)", *answers(*ALL)),
    # tries to write 4 GB: sixteen 256 MB files, half in its working folder and half in its temporary folder;
    # the write limit (--disk) stops it, the two answers before count
    "disk_hog": notebook(IMPORTS, *answers("01.1", "01.2"),
                         "import os\nimport tempfile\n\nchunk = b'x' * 2**20\nfor i in range(16):\n"
                         "    folder = '.' if i % 2 == 0 else tempfile.gettempdir()\n"
                         "    with open(os.path.join(folder, f'fill{i}.bin'), 'wb') as f:\n"
                         "        for _ in range(256):\n            f.write(chunk)",
                         *answers("01.3", "01.4", "01.5")),
    # the generated student notebook's placeholders: nothing answered
    # like the generated student notebook: placeholders left in two exercises, the other three deleted
    "unanswered": notebook(IMPORTS, 'M = ...  # YOUR CODE HERE\ndl.check("01.1", M)',
                           'shape = ...  # YOUR CODE HERE\ndl.check("01.2", shape)'),
}


def main() -> None:
    for name, nb in CORPUS.items():
        nbformat.validate(nb)
        (HERE / f"{name}.ipynb").write_text(nbformat.writes(nb) + "\n")
    # not JSON at all: a notebook cut off in the middle
    # the two that are not notebooks at all carry other suffixes (ruff lints *.ipynb); the test renames them
    (HERE / "malformed.txt").write_text(nbformat.writes(CORPUS["correct"])[:400])
    # nbformat 3 (worksheets), as very old Jupyter wrote it
    v3 = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": [
        {"cell_type": "code", "collapsed": False, "input": ANSWERS["01.2"], "language": "python", "metadata": {},
         "outputs": []}], "metadata": {}}]}
    (HERE / "nbformat3.json").write_text(json.dumps(v3, indent=1) + "\n")


if __name__ == "__main__":
    main()
