"""Runs one submission inside the sandbox: ``python .../dlcourse/grading/worker.py OUT LIMITS_JSON``.

It applies the resource limits to itself (the kernel inherits them), starts a fresh kernel over IPC (an
absolute socket path in OUT: TCP needs a network the sandbox does not have), runs the code cells one by one
with a per-cell timeout, and writes one JSON line per event to stdout. Outputs are discarded: the notebook's
answers reach the grader only through the files ``dl.check`` records in ``OUT/answers``.

The grader never trusts these events for scores (the kernel could forge them): they only explain lost points.

Exercise parameters (``dl.exercise_params``): the grader puts this submission's seed in the environment
(``DLCOURSE_EXERCISE_SEED``), which the kernel inherits, so the notebook runs on fresh parameters, and
``dl.check`` records, besides data answers, what an exercise's probe measured when it ran a model or function
answer on inputs of its own: that happens here, inside the sandbox; the judging happens afterwards, in the
grader, with parameters drawn from the same seed. The grading secret the seed comes from never reaches the
kernel: the worker drops it from the environment before the kernel starts, whatever the caller passed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

try:
    from .sandbox import Limits, apply_limits
except ImportError:  # run as a script, without importing the (heavy) dlcourse package
    from sandbox import Limits, apply_limits

MAX_TEXT = 300
SECRET_VARS = ("DLCOURSE_GRADING_SECRET",)  # dlcourse.checks.params.ENV_SECRET (not imported: a light script)


def emit(**event) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def _short(s, n: int = MAX_TEXT) -> str:
    s = str(s)
    return s if len(s) <= n else s[:n] + "…"


def main(out: str, limits_json: str) -> int:
    deadline = time.monotonic() + json.loads(limits_json)["wall_s"]
    out_dir = Path(out)
    limits = Limits(**json.loads(limits_json))
    emit(event="limits", enforced=apply_limits(limits))
    for var in SECRET_VARS:  # the kernel inherits this environment: it gets the seed, never the secret
        os.environ.pop(var, None)
    emit(event="params", seeded=bool(os.environ.get("DLCOURSE_EXERCISE_SEED")))

    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    class QuietClient(NotebookClient):
        """Keeps no outputs: a submission that prints gigabytes cannot fill the grader's memory or disk."""

        def output(self, outs, msg, display_id, cell_index):
            return None

    nb = nbformat.read(out_dir / "submission.ipynb", as_version=4)
    work = out_dir / "work"
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(out_dir / "runtime" / "kernel"))
    client = QuietClient(nb, km=km, timeout=limits.cell_s, allow_errors=False, interrupt_on_timeout=False,
                         startup_timeout=120, resources={"metadata": {"path": str(work)}})
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        pid = getattr(proc, "pid", None)
        emit(event="kernel", pid=pid)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            left = deadline - time.monotonic()
            if left < 1:
                emit(event="walltime", cell=index)
                break
            client.timeout = int(max(1, min(limits.cell_s, left)))
            emit(event="start", cell=index)
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                emit(event="timeout", cell=index, seconds=client.timeout)
                run_sync(km.interrupt_kernel)()
                time.sleep(1)
            except DeadKernelError as e:
                emit(event="died", cell=index, message=_short(e))
                return 0
            except CellExecutionError as e:
                emit(event="error", cell=index, ename=_short(e.ename, 80), evalue=_short(e.evalue))
            except Exception as e:  # anything else nbclient raises: note it and go on with the next cell
                emit(event="error", cell=index, ename="grader: " + type(e).__name__, evalue=_short(e))
            else:
                emit(event="ok", cell=index)
    emit(event="done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
