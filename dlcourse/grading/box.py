"""The first process inside the bubblewrap sandbox: ``python .../dlcourse/grading/box.py SPEC_JSON WORKER_ARGV...``.

The sandbox's private ``/tmp`` is a size-limited tmpfs, so what the submission writes never reaches the host's
disk and is capped in total. This process:

1. copies the host's box (bound read-only at ``spec["staging"]``) to ``spec["box"]``, inside that tmpfs;
2. runs the worker (``worker.py``), whose stdout carries the events to the grader;
3. stops the run when a tmpfs is full (``write_limit`` event) or at its deadline (``walltime`` event), then
   kills every other process of the sandbox (its PID namespace: it cannot reach the host's);
4. sends the recorded answers to the grader over a pipe (``spec["answers_fd"]``), framed as one JSON header line
   per file followed by its bytes; the grader caps what it reads, so nothing here needs to be trusted.

It imports nothing from ``dlcourse`` (the kernel's imports are the worker's business).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

POLL_S = 0.1
FULL_BYTES = 1024 * 1024          # less free space than this in a tmpfs: the submission hit its write limit
MAX_FILES = 100_000               # files and folders: each costs kernel memory that the tmpfs size does not count


def emit(**event) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def _undumpable() -> None:
    """No other process of the sandbox (same user) may open this one's /proc/PID/fd (the answers pipe)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def _full(path: str) -> bool:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize < FULL_BYTES or st.f_files - st.f_ffree > MAX_FILES


def _kill_others() -> None:
    """SIGKILL every process of the sandbox but this one and bubblewrap's init.

    Only inside a PID namespace, where this process is 1 or 2: ``kill(-1)`` outside one would reach every process
    of the user.
    """
    if os.getpid() in (1, 2):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass


def export_answers(folder: Path, fd: int) -> None:
    with os.fdopen(fd, "wb") as pipe:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            entries = []
        for entry in entries:
            try:
                if entry.is_symlink():
                    pipe.write(json.dumps({"name": entry.name, "kind": "symlink"}).encode() + b"\n")
                elif entry.is_file(follow_symlinks=False):
                    fd_in = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                    with os.fdopen(fd_in, "rb") as f:
                        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                            continue
                        data = f.read()
                    pipe.write(json.dumps({"name": entry.name, "kind": "file", "size": len(data)}).encode() + b"\n")
                    pipe.write(data)
            except (OSError, BrokenPipeError):
                continue
        try:
            pipe.write(json.dumps({"end": True}).encode() + b"\n")
        except BrokenPipeError:
            pass


def main(spec_json: str, worker: list[str]) -> int:
    spec = json.loads(spec_json)
    _undumpable()
    box = Path(spec["box"])
    shutil.copytree(spec["staging"], box, symlinks=True, dirs_exist_ok=True)
    os.chdir(box)
    deadline = time.monotonic() + float(spec["deadline_s"])
    watched = [str(box), "/dev/shm"]
    proc = subprocess.Popen(worker, stdin=subprocess.DEVNULL)  # stdout: the events; the answers pipe is not inherited

    def full_folder():
        return next((p for p in watched if os.path.isdir(p) and _full(p)), None)

    full, stopped = None, False
    while proc.poll() is None:
        full = full_folder()
        if full is not None or time.monotonic() > deadline:
            break
        time.sleep(POLL_S)
    if proc.poll() is None:
        _kill_others()
        proc.wait()
        stopped = True
        if full is None:
            emit(event="walltime")
    full = full or full_folder()  # the worker may have finished between two looks, with a full folder
    if full is not None:
        emit(event="write_limit", folder="/dev/shm" if full == "/dev/shm" else "box", stopped=stopped,
             limit_mb=spec["shm_mb"] if full == "/dev/shm" else spec["disk_mb"])
    _kill_others()  # whatever the kernel left running must not change the answers while they are sent
    export_answers(box / "answers", int(spec["answers_fd"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
