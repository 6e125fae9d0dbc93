"""The instructor's grader over a corpus of bad submissions (tests/submissions/), in one parallel batch.

Kernels start slowly, so the whole corpus is graded once, by the real command line, with --jobs 2; the
tests then read the gradebook's JSON export. The kill -9 resume test runs light notebooks of its own.
While the batch runs, a thread watches the free space of the disk that holds the grader's temporary folders:
the submission that tries to write 4 GB must not take it.
"""

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from dlcourse.grading import runner, sandbox

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "submissions"
PRIVATE = CORPUS / "private"
ISOLATION = sandbox.detect()[0]

# student: (score out of 7, run status, {exercise: text its reason must contain})
EXPECTED = {
    "correct": (7, {"ok"}, {}),
    "wrong": (2, {"ok"}, {"01.1": "expected dtype torch.float32, got torch.int64",
                          "01.3": "expected shape (2, 2), got (2, 3)",
                          "01.5": "values differ from the expected ones"}),
    "exception": (5, {"errors"}, {"01.3": "raised ValueError: oops"}),
    "infinite_loop": (7, {"timeout"}, {}),
    "ignores_interrupt": (2, {"timeout"}, {"01.3": "time limit", "01.5": "ran past the time limit"}),
    "memory_hog": (5, {"errors"}, {"01.3": "allocate memory"}),
    # cells are named as Jupyter numbers code cells (markdown not counted), with the exercise they check
    "os_exit": (2, {"crashed"}, {"01.3": "the kernel died in cell [4] (",
                                 "01.4": "so cell [6] (exercise 01.4) never ran", "01.5": "never ran"}),
    "fork_loop": (7, {"ok", "errors"}, {}),
    "read_checks": (7, {"ok"}, {}),
    "patch_check": (0, {"ok"}, {"01.1": "dl.check recorded nothing", "01.2": "was dl.check replaced",
                                "01.3": "expected a torch.Tensor, got str",
                                "01.4": "symbolic link", "01.5": "cannot be loaded safely: UnpicklingError"}),
    "write_gradebook": (7, {"ok"}, {}),
    "huge_output": (7, {"ok"}, {}),
    "unanswered": (0, {"ok"}, {"01.1": "not answered yet", "01.3": 'no dl.check("01.3", …) call'}),
    "malformed": (0, {"invalid"}, {"01.1": "not valid JSON"}),
    "nbformat3": (0, {"invalid"}, {"01.2": "nbformat 3"}),
    # tries to write 4 GB; --disk 256 stops it (a size-limited tmpfs under bubblewrap, a watchdog without)
    "disk_hog": (2, {"write-limit"}, {"01.3": "write limit", "01.5": "write limit"}),
}
DISK_MB = 256
if ISOLATION != "bwrap":  # without a sandbox the submission can read the private checks, and it says so
    EXPECTED["read_checks"] = (6, {"ok"}, {"01.2": "expected the shape (2, 4, 3)"})


def grade_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "dlcourse", "grade", *map(str, args)], capture_output=True,
                          text=True, **kw)


def allocated(folder: Path) -> int:
    """Bytes of disk the files under ``folder`` occupy (a folder that vanishes while walked counts what was seen)."""
    total = 0
    for dirpath, _, files in os.walk(folder):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_blocks * 512
            except OSError:
                pass
    return total


class DiskWatch(threading.Thread):
    """Every 0.1 s: how much of the host's disk the grader's scratch folders (``dlcourse-grade-*`` in the temporary
    folder, where each submission's box lives) hold, and the disk's free space. The first is what the test checks:
    the free space also moves with whatever else runs on the machine (another test installing PyTorch)."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path, self.stop, self.start_free = Path(path), threading.Event(), shutil.disk_usage(path).free
        self.min_free, self.max_scratch = self.start_free, 0

    def run(self):
        while not self.stop.wait(0.1):
            self.min_free = min(self.min_free, shutil.disk_usage(self.path).free)
            held = sum(allocated(d) for d in self.path.glob("dlcourse-grade-*"))
            self.max_scratch = max(self.max_scratch, held)


def run_corpus(d: Path) -> dict:
    subs = d / "submissions"
    subs.mkdir()
    db = d / "gradebook.sqlite"
    for f in sorted([*CORPUS.glob("*.ipynb"), CORPUS / "malformed.txt", CORPUS / "nbformat3.json"]):
        # without bubblewrap a submission can write wherever the grader can (the grader warns): aim it at a decoy
        target = db if ISOLATION == "bwrap" else d / "decoy.sqlite"
        text = f.read_text().replace("__GRADEBOOK__", str(target)).replace("__PRIVATE__",
                                                                           str(PRIVATE / "ch01_private.py"))
        (subs / f"{f.stem}.ipynb").write_text(text)
    Path("/tmp/pwned").unlink(missing_ok=True)
    t0 = time.monotonic()
    disk = DiskWatch(tempfile.gettempdir())
    disk.start()
    r = grade_cli(subs, "--assignment", "01", "--jobs", 2, "--timeout", 50, "--cell-timeout", 20, "--memory", 2048,
                  "--disk", DISK_MB, "--tests", PRIVATE, "--db", db, "--csv", d / "grades.csv",
                  "--json", d / "grades.json", "--feedback", d / "feedback", cwd=d, timeout=600)
    wall = time.monotonic() - t0
    disk.stop.set()
    assert r.returncode == 0, r.stdout + r.stderr
    rows = {row["student"]: row for row in json.loads((d / "grades.json").read_text())}
    return dict(dir=d, db=db, rows=rows, stdout=r.stdout, stderr=r.stderr, wall=wall,
                disk_taken=disk.start_free - disk.min_free, scratch_peak=disk.max_scratch)


def score_problems(student: str, row: dict) -> list[str]:
    score, statuses, reasons = EXPECTED[student]
    problems = []
    if row["max_score"] != 7 or row["score"] != score:
        problems.append(f"score {row['score']}/{row['max_score']}, expected {score}/7")
    if row["status"] not in statuses:
        problems.append(f"status {row['status']}, expected one of {statuses}")
    if row["isolation"] != ISOLATION:
        problems.append(f"isolation {row['isolation']}")
    by_id = {e["exercise"]: e for e in row["exercises"]}
    if list(by_id) != ["01.1", "01.2", "01.3", "01.4", "01.5"]:
        problems.append(f"exercises {list(by_id)}")
    for e in row["exercises"]:
        if e["passed"] != (e["points"] == e["max_points"]) or (not e["passed"] and not e["reason"]):
            problems.append(f"{e['exercise']}: points and reason disagree")
    for ex_id, text in reasons.items():
        if text not in by_id.get(ex_id, {}).get("reason", ""):
            problems.append(f"{ex_id}: reason should contain {text!r}")
    return [f"{student}: {p}\n{json.dumps(row, indent=1, ensure_ascii=False)}" for p in problems]


def test_corpus_of_bad_submissions(tmp_path):
    """One batch (kernels start slowly): every row, score and reason, then the gradebook, exports, re-grading.

    A single test, so that pytest-xdist cannot run the batch twice in two workers.
    """
    batch = run_corpus(tmp_path)
    print(f"corpus of {len(EXPECTED)} graded in {batch['wall']:.0f} s with --jobs 2, isolation {ISOLATION}")
    rows = batch["rows"]
    # every submission gets a row, with the right score and a reason for every lost point
    assert sorted(rows) == sorted(EXPECTED)
    problems = [p for student in sorted(EXPECTED) for p in score_problems(student, rows[student])]
    assert not problems, "\n".join(problems)

    # the instructor's private check was used (and, under bwrap, the submission could not read it)
    e = rows["correct"]["exercises"][1]
    assert e["exercise"] == "01.2" and e["title"] == "a broadcast shape (private check)"
    # the pickle a submission planted was never unpickled by the grader
    assert not Path("/tmp/pwned").exists()

    # the 4 GB writer was stopped at its write limit, early, and did not take the host's disk (under bubblewrap
    # its folders are a RAM disk: nothing; without, the watchdog lets it pass the limit by a little)
    hog = rows["disk_hog"]
    assert any("stopped" in n and f"write limit ({DISK_MB} MB" in n for n in hog["notes"]), hog["notes"]
    assert hog["wall_s"] < 45, "stopped by the time limit, not by the write limit"
    held, taken = batch["scratch_peak"] / 2**20, batch["disk_taken"] / 2**20
    print(f"while grading (disk_hog tries to write 4096 MB): the grader's scratch folders held at most {held:.0f} MB "
          f"of the host's disk; its free space dropped by at most {taken:.0f} MB (other jobs included)")
    assert held < (64 if ISOLATION == "bwrap" else 4 * DISK_MB), f"{held:.0f} MB of the host's disk"

    # the gradebook survived the submission that wrote to it
    db = sqlite3.connect(batch["db"])
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == len(EXPECTED)
    assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 5 * len(EXPECTED)

    # the CSV says what the gradebook says
    with open(tmp_path / "grades.csv") as f:
        csv_rows = list(csv.DictReader(f))
    assert len(csv_rows) == len(EXPECTED)
    for r in csv_rows:
        full = rows[r["student"]]
        assert float(r["score"]) == full["score"]
        assert [float(r[i]) for i in ("01.1", "01.2", "01.3", "01.4", "01.5")] == \
               [e["points"] for e in full["exercises"]]

    # feedback per submission, and the summary
    fb = (tmp_path / "feedback" / "wrong-01.md").read_text()
    assert "**Score: 2 / 7**" in fb and "expected dtype torch.float32" in fb
    summary = (tmp_path / "feedback" / "SUMMARY.md").read_text()
    assert f"{len(EXPECTED)} submissions" in summary and "| 01.3 | 2 |" in summary
    assert "Total scores (points: count)" in batch["stdout"]

    # grading the same files again changes nothing and runs nothing
    before = db.execute("SELECT * FROM submissions ORDER BY student").fetchall()
    r = grade_cli(tmp_path / "submissions", "--assignment", "01", "--db", batch["db"], "--feedback", "",
                  "--tests", PRIVATE, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    # and says what it skipped and why, not "grading N submissions"
    assert f"found {len(EXPECTED)} submission(s)" in r.stdout
    assert f"not run again: {len(EXPECTED)} already in" in r.stdout and "same file content (SHA-256)" in r.stdout
    assert "nothing to grade" in r.stdout and "grading " not in r.stdout
    assert db.execute("SELECT * FROM submissions ORDER BY student").fetchall() == before


# ---- kill -9 in the middle of a batch, then resume ----------------------------------------------------

def sleepy_notebook(seconds: float) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})")]
    return nbformat.writes(nb)


def count(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_kill_9_then_resume_loses_and_duplicates_nothing(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    names = ["ann", "ben", "cat", "dan"]
    for i, n in enumerate(names):
        (subs / f"{n}.ipynb").write_text(sleepy_notebook(2 + i * 0.01))  # distinct files
    db = tmp_path / "gb.sqlite"
    args = [sys.executable, "-m", "dlcourse", "grade", str(subs), "--assignment", "01", "--db", str(db),
            "--timeout", "60", "--feedback", ""]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    while count(db, "submissions") < 1 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = count(db, "submissions")
    assert 1 <= done_before < len(names), "the batch should have been killed in the middle"
    time.sleep(1)  # the sandbox of the killed grader dies with it
    r = subprocess.run(args + ["--csv", str(tmp_path / "g.csv")], cwd=tmp_path, capture_output=True, text=True,
                       timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"not run again: {done_before} already in" in r.stdout
    assert f"grading {len(names) - done_before} submission(s)" in r.stdout
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(x[0] for x in con.execute("SELECT student FROM submissions")) == names
    assert con.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 5 * len(names)
    with open(tmp_path / "g.csv") as f:
        assert sorted(row["student"] for row in csv.DictReader(f)) == names


# ---- the pieces, without kernels ------------------------------------------------------------------------

def test_assignment_is_inferred_from_metadata_check_calls_or_file_name():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('dl.check("02.1", x)\ndl.check("02.2", y)')]
    assert runner.infer_assignment(nb, Path("alice.ipynb"), None)[0] == "02"
    nb.metadata["dlcourse"] = {"assignment": "03"}
    a, how = runner.infer_assignment(nb, Path("alice.ipynb"), None)
    assert a == "03" and "metadata" in how and "other clues say 02" in how
    assert runner.infer_assignment(nb, Path("alice.ipynb"), "4")[0] == "04"
    assert runner.infer_assignment(None, Path("05_bob.ipynb"), None)[0] == "05"
    assert runner.infer_assignment(None, Path("bob.ipynb"), None)[0] is None
    assert runner.infer_assignment(None, Path("student20.ipynb"), None)[0] is None
    assert runner.infer_assignment(None, Path("bob.ipynb"), None, batch="01") == (
        "01", "the assignment of most submissions in this batch")


def test_parse_rejects_what_is_not_a_v4_notebook():
    assert "not valid JSON" in runner.parse_notebook(b"{")[1]
    assert "nbformat 3" in runner.parse_notebook(json.dumps({"nbformat": 3, "worksheets": []}).encode())[1]
    assert "no list of cells" in runner.parse_notebook(b"[1, 2]")[1]
    assert "damaged" in runner.parse_notebook(json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "x", "source": ""}]}).encode())[1]
    nb, problem = runner.parse_notebook(sleepy_notebook(0).encode())
    assert problem is None and nb.cells[0].source.startswith("import time")


@pytest.mark.skipif(ISOLATION != "bwrap", reason="bubblewrap is not usable here")
def test_sandbox_hides_files_blocks_writes_network_and_other_processes():
    base = Path("/var/tmp") if Path("/var/tmp").is_dir() else Path.home()
    outside = Path(tempfile.mkdtemp(prefix="dlcourse-grading-test-", dir=base))  # not under /tmp
    scratch = Path(tempfile.mkdtemp(prefix="dlcourse-box-")).resolve()
    box = scratch / "box"
    box.mkdir()
    try:
        secret = outside / "gradebook.sqlite"
        secret.write_text("grades")
        secret_dir = outside / "private"
        secret_dir.mkdir()
        (secret_dir / "checks.py").write_text("answers")
        probe = (
            "import os, socket, subprocess\n"
            f"try:\n    print('secret', repr(open({str(secret)!r}).read()))\n"
            "except OSError:\n    print('secret unreadable')\n"
            f"print('dir', os.listdir({str(secret_dir)!r}))\n"
            f"for p in ({str(secret)!r}, {str(outside / 'new')!r}, {str(ROOT / 'x')!r}, {str(secret_dir / 'x')!r},"
            " '/dev/x'):\n"
            "    try:\n        open(p, 'w').write('x'); print('WROTE', p)\n"
            "    except OSError as e:\n        print('refused', e.errno)\n"
            f"os.makedirs({str(box)!r}, exist_ok=True)\n"
            f"open({str(box / 'ok')!r}, 'w').write('mine')\n"
            "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=3); print('NETWORK')\n"
            "except OSError:\n    print('no network')\n"
            f"print('grader visible', os.path.exists('/proc/{os.getpid()}/status'), os.getpid())\n"
            "print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].strip())\n"
            "st = os.statvfs('/tmp'); print('tmp MB', st.f_blocks * st.f_frsize // 2**20)\n"
            "st = os.statvfs('/dev/shm'); print('shm MB', st.f_blocks * st.f_frsize // 2**20)\n"
            "r = subprocess.run(['mount', '-o', 'remount,rw', '/'], capture_output=True)\n"
            "print('remount', 'refused' if r.returncode else 'DONE')\n")
        cmd = sandbox.command("bwrap", box, [secret, secret_dir], [sys.executable, "-c", probe], disk_mb=64,
                              staging=scratch / "in")
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        out = r.stdout
        assert r.returncode == 0, r.stderr
        assert ("secret ''" in out or "secret unreadable" in out) and "dir []" in out
        assert "WROTE" not in out and out.count("refused") == 6
        assert "no network" in out and "NETWORK" not in out
        assert "grader visible False" in out or os.getpid() < 3
        # no capabilities, even when the grader runs as root; writable space is the size-limited tmpfs only
        assert "CapEff:\t0000000000000000" in out
        assert "tmp MB 64" in out and f"shm MB {sandbox.SHM_MB}" in out
        # what it wrote stayed in the sandbox's RAM disk
        assert not (box / "ok").exists()
        assert secret.read_text() == "grades"
    finally:
        import shutil

        shutil.rmtree(outside, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.mark.skipif(ISOLATION != "bwrap", reason="bubblewrap is not usable here")
def test_a_data_mirror_reached_through_a_link_under_tmp_stays_readable(monkeypatch):
    """DLCOURSE_DATA_MIRROR=/tmp/x/data with /tmp/x a link to a folder elsewhere: the sandbox's private /tmp has no
    such link, so the link's own path must be bound, not only the folder it points to."""
    base = Path("/var/tmp") if Path("/var/tmp").is_dir() else Path.home()
    outside = Path(tempfile.mkdtemp(prefix="dlcourse-mirror-", dir=base))  # not under /tmp
    link_dir = Path(tempfile.mkdtemp(prefix="dlcourse-link-"))  # under /tmp
    scratch = Path(tempfile.mkdtemp(prefix="dlcourse-box-")).resolve()
    try:
        (outside / "data").mkdir()
        (outside / "data" / "file.txt").write_text("mirrored")
        (link_dir / "shared").symlink_to(outside)
        mirror = link_dir / "shared" / "data"
        monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(mirror))
        (scratch / "box").mkdir()
        probe = f"print(open({str(mirror / 'file.txt')!r}).read())"
        cmd = sandbox.command("bwrap", scratch / "box", [], [sys.executable, "-c", probe], disk_mb=64,
                              staging=scratch / "in")
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and r.stdout.strip() == "mirrored", r.stderr
    finally:
        for d in (outside, link_dir, scratch):
            shutil.rmtree(d, ignore_errors=True)


@pytest.mark.skipif(ISOLATION != "bwrap", reason="bubblewrap is not usable here")
def test_box_stops_a_run_that_creates_too_many_files_and_sends_answers_out():
    """box.py, the sandbox's first process, with a stand-in worker (no kernel): 150,000 empty files take no
    space but kernel memory, so they count against the write limit too; the answers still come out."""
    scratch = Path(tempfile.mkdtemp(prefix="dlcourse-box-")).resolve()
    box = scratch / "box"
    (box / "answers").mkdir(parents=True)
    try:
        worker = ("import os, time\n"
                  f"open({str(box / 'answers' / '01.1.json')!r}, 'w').write('{{\"kind\": \"json\", \"value\": 1}}')\n"
                  "os.makedirs('work/many', exist_ok=True)\n"
                  "for i in range(150_000):\n    open(f'work/many/{i}', 'w').close()\n"
                  "time.sleep(60)\n")
        r_ans, w_ans = os.pipe()
        spec = dict(box=str(box), staging=str(scratch / "in"), answers_fd=w_ans, deadline_s=120, disk_mb=64,
                    shm_mb=sandbox.SHM_MB)
        argv = [sys.executable, str(ROOT / "dlcourse" / "grading" / "box.py"), json.dumps(spec), sys.executable, "-c",
                worker]
        cmd = sandbox.command("bwrap", box, [], argv, disk_mb=64, staging=scratch / "in")
        folder = scratch / "received"
        folder.mkdir()
        receiver = runner._AnswerReceiver(r_ans, folder)
        receiver.start()
        t0 = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, pass_fds=(w_ans,))
        os.close(w_ans)
        receiver.join(30)
        assert time.monotonic() - t0 < 50, "stopped by the deadline, not by the file count"
        events = runner.parse_events(proc.stdout.encode())
        assert {"event": "write_limit", "folder": "box", "stopped": True, "limit_mb": 64} in events, proc.stderr
        assert (folder / "01.1.json").read_text() == '{"kind": "json", "value": 1}' and receiver.problem is None
        assert not (box / "work").exists()  # all of it stayed in the sandbox's RAM disk
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
