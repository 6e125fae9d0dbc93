"""The SQLite gradebook, keyed by student, assignment, exercise and submission hash.

Each submission is saved in one transaction (its exercise rows and its summary row together), so a batch
killed at any moment (even ``kill -9``) leaves either all of a submission or none of it; re-running the batch
skips what is saved and grades the rest. Grading the same file again changes nothing.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

from ..checks import _order

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL, assignment TEXT NOT NULL, sha256 TEXT NOT NULL,
    path TEXT, status TEXT NOT NULL, isolation TEXT, score REAL NOT NULL, max_score REAL NOT NULL,
    wall_s REAL, notes TEXT, graded_at TEXT NOT NULL,
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
            self.db.execute("INSERT OR REPLACE INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            (*key, r.path, r.status, r.isolation, r.score, r.max_score, r.wall_s,
                             json.dumps(r.notes), r.graded_at))

    # ---- reading -----------------------------------------------------------------------------------

    def latest(self, assignment: str | None = None) -> list[dict]:
        """The latest graded submission per (student, assignment), with its exercises."""
        q = ("SELECT * FROM submissions s WHERE graded_at = (SELECT MAX(graded_at) FROM submissions t "
             "WHERE t.student=s.student AND t.assignment=s.assignment)")
        args: tuple = ()
        if assignment:
            q += " AND assignment=?"
            args = (assignment,)
        rows = []
        seen = set()
        for s in self.db.execute(q + " ORDER BY assignment, student, sha256", args):
            if (s["student"], s["assignment"]) in seen:  # two files graded in the same second
                continue
            seen.add((s["student"], s["assignment"]))
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
            w = csv.writer(f)
            w.writerow(["student", "assignment", *ids, "score", "max_score", "status", "isolation", "sha256",
                        "graded_at"])
            for r in rows:
                pts = {e["exercise"]: e["points"] for e in r["exercises"]}
                w.writerow([r["student"], r["assignment"], *(_num(pts.get(i, "")) for i in ids), _num(r["score"]),
                            _num(r["max_score"]), r["status"], r["isolation"], r["sha256"][:12], r["graded_at"]])
        return len(rows)

    def export_json(self, path, assignment: str | None = None) -> int:
        rows = self.latest(assignment)
        Path(path).write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
        return len(rows)


def _num(x):
    return f"{x:g}" if isinstance(x, float) else x
