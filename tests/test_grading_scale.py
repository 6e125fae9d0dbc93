"""The grader beyond one machine (shards, merge, kill -9) and with its Python under /tmp. These start kernels.

Shards: one folder of per-student subfolders (so the recursive search is exercised too) is graded once by one
process and once by three ``--shard K/3`` processes running at the same time, one of them killed with SIGKILL
after its first saved submission and run again; ``grade merge`` of the three gradebooks must equal the single run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from dlcourse.grading import collect, sandbox

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "submissions"
ISOLATION = sandbox.detect()[0]
PER_SHARD = 2


def light_notebook(seconds: float, tag: str) -> str:
    """No torch, no answers: a kernel that sleeps, so that a shard can be killed in the middle."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 01.1 · a matrix (1 point)"),
                nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})  # {tag}")]
    nb.metadata["dlcourse"] = {"assignment": "01"}
    return nbformat.writes(nb)


def make_folder(d: Path) -> list[str]:
    """Per-student subfolders, PER_SHARD submissions in each of 3 shards; two answer everything (real checks)."""
    rels, by_shard = [], {0: [], 1: [], 2: []}
    i = 0
    while min(len(v) for v in by_shard.values()) < PER_SHARD:
        rel = f"student{i:02d}/01_tensors.ipynb"
        k = collect.shard_of(rel, 3)
        if len(by_shard[k]) < PER_SHARD:
            by_shard[k].append(rel)
            rels.append(rel)
        i += 1
    for n, rel in enumerate(sorted(rels)):
        (d / rel).parent.mkdir(parents=True)
        text = (CORPUS / "correct.ipynb").read_text() if n in (0, 3) else light_notebook(2, rel)
        (d / rel).write_text(text)
    return sorted(rels)


def cli(*args) -> list[str]:
    return [sys.executable, "-m", "dlcourse", "grade", *map(str, args)]


def count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        return con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def graded(db: Path) -> tuple[list, list]:
    """What a gradebook says, without the timings (which differ from run to run)."""
    con = sqlite3.connect(db)
    subs = con.execute("SELECT student, assignment, sha256, status, isolation, score, max_score FROM submissions "
                       "ORDER BY student, assignment, sha256").fetchall()
    res = con.execute("SELECT * FROM results ORDER BY student, assignment, sha256, exercise").fetchall()
    return subs, res


def test_three_shards_merge_to_what_one_machine_grades_even_after_a_kill_9(tmp_path):
    subs = tmp_path / "submissions"
    rels = make_folder(subs)
    common = ["--assignment", "01", "--timeout", 120, "--feedback", ""]
    t0 = time.monotonic()
    shards = {k: subprocess.Popen(cli(subs, "--shard", f"{k}/3", *common), cwd=tmp_path, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for k in range(3)}
    single = subprocess.Popen(cli(subs, "--db", tmp_path / "single.sqlite", "--jobs", 2, *common), cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # kill shard 1 as soon as it has saved its first submission, while it grades the second
    victim = tmp_path / "gradebook-1-of-3.sqlite"
    deadline = time.monotonic() + 300
    while count(victim) < 1 and time.monotonic() < deadline and shards[1].poll() is None:
        time.sleep(0.05)
    os.kill(shards[1].pid, signal.SIGKILL)
    shards[1].wait()
    assert count(victim) == 1, "shard 1 should have been killed in the middle"
    outs = {k: p.communicate(timeout=300)[0] for k, p in shards.items() if k != 1}
    assert all(shards[k].returncode == 0 for k in outs), outs
    for k, out in outs.items():
        assert f"shard {k}/3: {PER_SHARD} of the {len(rels)} submission(s)" in out, out
    time.sleep(1)  # the killed grader's sandbox dies with it
    rerun = subprocess.run(cli(subs, "--shard", "1/3", *common), cwd=tmp_path, capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "not run again: 1 already in" in rerun.stdout and "grading 1 submission(s)" in rerun.stdout
    single_out = single.communicate(timeout=300)[0]
    assert single.returncode == 0, single_out
    print(f"6 submissions, single run + 3 shards (one killed and re-run): {time.monotonic() - t0:.0f} s")

    books = [tmp_path / f"gradebook-{k}-of-3.sqlite" for k in range(3)]
    assert sum(count(b) for b in books) == len(rels)  # disjoint shards, nothing lost, nothing twice
    merge = subprocess.run(cli("merge", *books, "--db", tmp_path / "merged.sqlite", "--json",
                               tmp_path / "merged.json"), cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert merge.returncode == 0, merge.stderr
    assert f"{len(rels)} submission(s) in all ({len(rels)} added, 0 replaced, 0 already there)" in merge.stdout
    merged, one = graded(tmp_path / "merged.sqlite"), graded(tmp_path / "single.sqlite")
    assert merged == one
    assert len(merged[0]) == len(rels) and len(merged[1]) == 5 * len(rels)
    assert sorted(r[0] for r in merged[0]) == sorted(collect.student_of(r) for r in rels)
    assert [r[5] for r in merged[0]].count(7.0) == 2  # the two that answer everything
    # merging again changes nothing
    again = subprocess.run(cli("merge", *books, "--db", tmp_path / "merged.sqlite"), cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert "(0 added, 0 replaced, 6 already there)" in again.stdout
    assert graded(tmp_path / "merged.sqlite") == one


@pytest.mark.skipif(ISOLATION != "bwrap", reason="bubblewrap is not usable here")
def test_bubblewrap_works_with_the_python_and_the_package_under_tmp(tmp_path):
    """A venv under /tmp and the package copied under /tmp (as CI and many users have them): bubblewrap's private
    /tmp must not hide them. --isolation bwrap: a fallback would be an error, not a warning."""
    base = Path(tempfile.mkdtemp(prefix="dlcourse-tmpvenv-", dir="/tmp"))
    try:
        venv = base / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
        src = base / "src"
        shutil.copytree(ROOT / "dlcourse", src / "dlcourse", ignore=shutil.ignore_patterns("__pycache__"))
        site_dirs = [p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages"))]
        pth = next((venv / "lib").glob("python*/site-packages")) / "dlcourse_test.pth"
        pth.write_text("\n".join([str(src), *site_dirs]) + "\n")
        py = venv / "bin" / "python"
        where = subprocess.run([str(py), "-c", "import sys, dlcourse; print(sys.prefix); print(dlcourse.__file__)"],
                               capture_output=True, text=True, check=True, timeout=120, cwd=base).stdout.split()
        assert where == [str(venv), str(src / "dlcourse" / "__init__.py")]
        subs = tmp_path / "subs"
        subs.mkdir()
        shutil.copy(CORPUS / "correct.ipynb", subs / "alice.ipynb")
        r = subprocess.run([str(py), "-m", "dlcourse", "grade", str(subs), "--assignment", "01", "--isolation", "bwrap",
                            "--json", str(tmp_path / "g.json"), "--feedback", ""],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "WARNING" not in r.stderr
        row = json.loads((tmp_path / "g.json").read_text())[0]
        assert (row["isolation"], row["score"], row["status"]) == ("bwrap", 7.0, "ok"), row
    finally:
        shutil.rmtree(base, ignore_errors=True)
