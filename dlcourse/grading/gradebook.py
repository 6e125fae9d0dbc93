"""The SQLite gradebook, keyed by student, assignment, exercise and submission hash.

Each submission is saved in one transaction (its exercise rows and its summary row together), so a batch
killed at any moment (even ``kill -9``) leaves either all of a submission or none of it; re-running the batch
skips what is saved and grades the rest. Grading the same file again changes nothing.

**Which grade counts.** A submission is one file's content: (student, assignment, SHA-256). A student may have
several (resubmissions); the *latest* is the one with the newest ``submitted_at`` (the file's modification time
when it was graded), then the newest ``graded_at``, then the larger hash (so that a tie still has one answer).
The same content graded twice (``--regrade``, or on two machines) is one submission: the later grading
replaces the earlier, except that a grader error never replaces a real grade. ``merge`` applies the same rule,
so merging gradebooks in any order, any number of times, gives the same gradebook.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

from ..checks import _order

# OWASP, "CSV Injection": a cell that starts with one of these is a formula to Excel, LibreOffice and Sheets
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE]-?\d+)?$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL, assignment TEXT NOT NULL, sha256 TEXT NOT NULL,
    path TEXT, status TEXT NOT NULL, isolation TEXT, score REAL NOT NULL, max_score REAL NOT NULL,
    wall_s REAL, notes TEXT, graded_at TEXT NOT NULL, submitted_at TEXT,
    PRIMARY KEY (student, assignment, sha256)
);
CREATE TABLE IF NOT EXISTS results (
    student TEXT NOT NULL, assignment TEXT NOT NULL, exercise TEXT NOT NULL, sha256 TEXT NOT NULL,
    title TEXT, points REAL NOT NULL, max_points REAL NOT NULL, passed INTEGER NOT NULL, reason TEXT,
    PRIMARY KEY (student, assignment, exercise, sha256)
);
"""


class Gradebook:
    def __init__(self, path):
        self.path = Path(path)
        self.db = sqlite3.connect(str(self.path), timeout=60)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        columns = {r["name"] for r in self.db.execute("PRAGMA table_info(submissions)")}
        if "submitted_at" not in columns:  # a gradebook written before resubmissions were ordered
            with self.db:
                self.db.execute("ALTER TABLE submissions ADD COLUMN submitted_at TEXT")

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def is_graded(self, student: str, assignment: str, sha256: str) -> bool:
        row = self.db.execute("SELECT status FROM submissions WHERE student=? AND assignment=? AND sha256=?",
                              (student, assignment, sha256)).fetchone()
        return row is not None and row["status"] != "grader-error"

    def save(self, r) -> None:
        """Save a SubmissionResult atomically (replacing an earlier grading of the same file)."""
        key = (r.student, r.assignment, r.sha256)
        with self.db:  # one transaction
            self.db.execute("DELETE FROM results WHERE student=? AND assignment=? AND sha256=?", key)
            self.db.executemany(
                "INSERT INTO results VALUES (?,?,?,?,?,?,?,?,?)",
                [(r.student, r.assignment, e.exercise, r.sha256, e.title, e.points, e.max_points, int(e.passed),
                  e.reason) for e in r.exercises])
            self.db.execute("INSERT OR REPLACE INTO submissions (student, assignment, sha256, path, status, "
                            "isolation, score, max_score, wall_s, notes, graded_at, submitted_at) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            (*key, r.path, r.status, r.isolation, r.score, r.max_score, r.wall_s,
                             json.dumps(r.notes), r.graded_at, getattr(r, "submitted_at", "") or None))

    # ---- combining gradebooks (shards) ---------------------------------------------------------------

    def merge_from(self, path) -> dict[str, int]:
        """Copy another gradebook's submissions in, by the rule in this module's docstring. Idempotent.

        Returns counts: ``added`` (new submissions), ``replaced`` (a later grading of the same file),
        ``kept`` (already here, as recent or more).
        """
        counts = {"added": 0, "replaced": 0, "kept": 0}
        if Path(path).resolve() == self.path.resolve():
            return counts
        src = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=60)
        src.row_factory = sqlite3.Row
        try:
            cols = {r["name"] for r in src.execute("PRAGMA table_info(submissions)")}
            if not cols:
                raise ValueError(f"{path} is not a gradebook (no submissions table)")
            incoming = [dict(r) for r in src.execute("SELECT * FROM submissions ORDER BY student, assignment, sha256")]
            with self.db:  # one transaction: a merge killed halfway leaves the gradebook as it was
                for s in incoming:
                    s.setdefault("submitted_at", None)
                    key = (s["student"], s["assignment"], s["sha256"])
                    here = self.db.execute("SELECT * FROM submissions WHERE student=? AND assignment=? AND sha256=?",
                                           key).fetchone()
                    if here is not None and _rank(dict(here)) >= _rank(s):
                        counts["kept"] += 1
                        continue
                    counts["replaced" if here is not None else "added"] += 1
                    self.db.execute("DELETE FROM results WHERE student=? AND assignment=? AND sha256=?", key)
                    self.db.executemany(
                        "INSERT INTO results VALUES (?,?,?,?,?,?,?,?,?)",
                        [tuple(e) for e in src.execute(
                            "SELECT student, assignment, exercise, sha256, title, points, max_points, passed, "
                            "reason FROM results WHERE student=? AND assignment=? AND sha256=?", key)])
                    self.db.execute("INSERT OR REPLACE INTO submissions (student, assignment, sha256, path, status, "
                                    "isolation, score, max_score, wall_s, notes, graded_at, submitted_at) "
                                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                    (*key, s["path"], s["status"], s["isolation"], s["score"], s["max_score"],
                                     s["wall_s"], s["notes"], s["graded_at"], s["submitted_at"]))
        finally:
            src.close()
        return counts

    # ---- reading -----------------------------------------------------------------------------------

    def latest(self, assignment: str | None = None) -> list[dict]:
        """The latest submission per (student, assignment) (see the module's docstring), with its exercises."""
        q = "SELECT * FROM submissions"
        args: tuple = ()
        if assignment:
            q += " WHERE assignment=?"
            args = (assignment,)
        best: dict[tuple[str, str], dict] = {}
        for s in self.db.execute(q, args):
            s = dict(s)
            k = (s["student"], s["assignment"])
            if k not in best or _newest(s) > _newest(best[k]):
                best[k] = s
        rows = []
        for k in sorted(best, key=lambda k: (k[1], k[0])):
            s = best[k]
            sub = dict(s)
            sub["notes"] = json.loads(sub["notes"] or "[]")
            ex = self.db.execute("SELECT exercise, title, points, max_points, passed, reason FROM results "
                                 "WHERE student=? AND assignment=? AND sha256=?",
                                 (s["student"], s["assignment"], s["sha256"])).fetchall()
            sub["exercises"] = sorted((dict(e) for e in ex), key=lambda e: _order(e["exercise"]))
            for e in sub["exercises"]:
                e["passed"] = bool(e["passed"])
            rows.append(sub)
        return rows

    def export_csv(self, path, assignment: str | None = None) -> int:
        rows = self.latest(assignment)
        ids = sorted({e["exercise"] for r in rows for e in r["exercises"]}, key=_order)
        with open(path, "w", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
            w.writerow([safe_cell(x) for x in ["student", "assignment", *ids, "score", "max_score", "status",
                                                "isolation", "sha256", "graded_at"]])
            for r in rows:
                pts = {e["exercise"]: e["points"] for e in r["exercises"]}
                w.writerow([safe_cell(x) for x in [
                    r["student"], r["assignment"], *(_num(pts.get(i, "")) for i in ids), _num(r["score"]),
                    _num(r["max_score"]), r["status"], r["isolation"], r["sha256"][:12], r["graded_at"]]])
        return len(rows)

    def export_json(self, path, assignment: str | None = None) -> int:
        rows = self.latest(assignment)
        Path(path).write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
        return len(rows)


def _num(x):
    return f"{x:g}" if isinstance(x, float) else x


def _newest(s: dict) -> tuple:
    """Which of a student's submissions for an assignment is the latest."""
    return (s.get("submitted_at") or s["graded_at"], s["graded_at"], s["sha256"])


def _rank(s: dict) -> tuple:
    """Which of two gradings of the same file wins: a real grade over a grader error, then the later grading;
    the row's content breaks a tie, so that the result does not depend on the order of the merge."""
    return (s["status"] != "grader-error", s["graded_at"],
            json.dumps({k: s.get(k) for k in sorted(s)}, sort_keys=True, default=str))


def safe_cell(value):
    """A CSV field a spreadsheet will not run: a text that starts like a formula gets a leading apostrophe (OWASP).
    Numbers stay numbers (a score of -1 is not a formula)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START) or NUMBER.match(value):
        return value
    return "'" + value
