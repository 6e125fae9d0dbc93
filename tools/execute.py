"""Execute notebooks top to bottom in a fresh kernel and store their outputs (``make execute``).

    python tools/execute.py [--preset lite] chapters/01_tensors.ipynb ...

Each notebook runs in its own directory with DLCOURSE_HEADLESS=1 (one final figure and progress line
per training run) and the chosen preset. Only one heavy execution runs at a time on a machine: a lock
file serialises them, so timings in ``run_record()`` are not skewed by a second run.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbconventions  # noqa: E402

LOCK = Path(os.environ.get("DLCOURSE_EXEC_LOCK", "/tmp/dlcourse-execute.lock"))


def execute(path: Path, preset: str, timeout: int, out: Path | None = None, cwd: Path | None = None,
            write_on_error: bool = False) -> float:
    """Run ``path`` top to bottom in a fresh kernel (working directory ``cwd``, default the notebook's own)
    and write it with its outputs to ``out`` (default: back into ``path``). Returns the wall seconds.
    A failing cell raises; with ``write_on_error`` the outputs up to the failure are written first."""
    nb = nbformat.read(path, as_version=4)
    nbconventions.apply(nb, path)
    os.environ["DLCOURSE_PRESET"] = preset
    os.environ["DLCOURSE_HEADLESS"] = "1"
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    start = time.time()
    try:
        client.execute()
    except Exception:
        if write_on_error:
            nbformat.write(nb, out or path)
        raise
    nbformat.write(nb, out or path)
    return time.time() - start


@contextlib.contextmanager
def exclusive():
    """Hold the execution lock: wait for any other execution on this machine to finish first."""
    LOCK.touch(exist_ok=True)
    with LOCK.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--preset", default=os.environ.get("DLCOURSE_PRESET", "lite"),
                        choices=["full", "lite", "smoke"])
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args(argv)
    with exclusive():
        for path in args.notebooks:
            print(f"executing {path} (preset {args.preset}) ...", flush=True)
            seconds = execute(path, args.preset, args.timeout)
            print(f"  done in {seconds:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
