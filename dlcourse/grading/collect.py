"""Which files are submissions, who submitted them, and which shard grades them.

A folder is searched recursively: ``alice.ipynb`` and ``alice/01_tensors.ipynb`` are both found. Hidden files and
folders (``.ipynb_checkpoints``, ``.git``) and ``__MACOSX`` are skipped. A submission is named by its path
relative to the folder given on the command line (a file given by itself: its name); the student is that path
without ``.ipynb`` (``alice``, ``alice/01_tensors``). The same relative path picks the shard, so every machine
that sees the same folder agrees on who grades what.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SKIPPED_DIRS = {"__MACOSX", "__pycache__", "node_modules"}


class CollectError(ValueError):
    """A command line that names no submission, or two submissions with one name."""


@dataclass(frozen=True)
class Submission:
    path: Path
    rel: str  # the path relative to the folder given, with "/" separators: what names and shards it

    @property
    def student(self) -> str:
        return student_of(self.rel)


def student_of(rel: str) -> str:
    p = PurePosixPath(rel)
    return str(p.with_suffix("")) if p.suffix == ".ipynb" else str(p)


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_DIRS


def find_notebooks(folder: Path) -> list[Path]:
    """Every ``*.ipynb`` under ``folder``, recursively, in a stable order, hidden folders skipped."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
        for f in sorted(filenames):
            if f.endswith(".ipynb") and not _hidden(f) and (Path(dirpath) / f).is_file():
                found.append(Path(dirpath) / f)
    return found


def collect(args: list[str]) -> list[Submission]:
    """The submissions the command line names (files and folders), or a CollectError that says why none."""
    subs: list[Submission] = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found = find_notebooks(p)
            if not found:
                raise CollectError(f"{arg}: no notebooks (*.ipynb) in this folder or its subfolders")
            subs += [Submission(f, f.relative_to(p).as_posix()) for f in found]
        elif p.is_file():
            subs.append(Submission(p, p.name))
        else:
            raise CollectError(f"no such file or folder: {arg}")
    seen: set[Path] = set()
    unique = []
    for s in subs:  # a file named twice (a folder and a file in it) is one submission, named the first way
        if s.path.resolve() not in seen:
            seen.add(s.path.resolve())
            unique.append(s)
    subs = unique
    by_student: dict[str, list[Submission]] = {}
    for s in subs:
        by_student.setdefault(s.student, []).append(s)
    dups = {k: v for k, v in by_student.items() if len(v) > 1}
    if dups:
        lines = [f"{k}: {', '.join(str(s.path) for s in v)}" for k, v in sorted(dups.items())]
        raise CollectError("two submissions have the same name (the path under the folder given names the "
                           "student):\n  " + "\n  ".join(lines))
    return subs


SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` with 0 <= K < N (``JOB_COMPLETION_INDEX`` and ``SLURM_ARRAY_TASK_ID`` count from 0)."""
    m = SHARD.match(text.strip())
    if not m:
        raise ValueError(f"--shard {text!r}: expected K/N, e.g. 0/4 (shards count from 0)")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 0 <= k < n:
        raise ValueError(f"--shard {text}: K must be 0 … N-1 (shards count from 0, as JOB_COMPLETION_INDEX and "
                         "SLURM_ARRAY_TASK_ID do)")
    return k, n


def shard_of(rel: str, n: int) -> int:
    """A stable hash of the relative path (not Python's ``hash``, which changes between runs)."""
    return int.from_bytes(hashlib.sha256(rel.encode("utf-8")).digest()[:8], "big") % n


def in_shard(subs: list[Submission], k: int, n: int) -> list[Submission]:
    return [s for s in subs if shard_of(s.rel, n) == k]
