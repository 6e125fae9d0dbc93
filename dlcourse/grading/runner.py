"""Grade submissions: run each one in a sandbox, then judge its recorded answers here, in the grader."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import checks
from ..checks import record
from . import sandbox
from .sandbox import Limits

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
MAX_EVENTS_BYTES = 2 * 1024 * 1024
CHECK_CALL = re.compile(r"""check\(\s*["'](\d+\.\w+)["']""")
FILE_CHAPTER = re.compile(r"^(\d{2})[_\-]")  # 01_tensors.ipynb


@dataclass
class GradeOptions:
    limits: Limits = field(default_factory=Limits)
    jobs: int = 1
    assignment: str | None = None
    tests_dir: Path | None = None
    isolation: str = "auto"          # auto, bwrap, unshare or none
    hide: list[Path] = field(default_factory=list)  # more paths the submissions must not see


@dataclass
class ExerciseResult:
    exercise: str
    title: str
    points: float
    max_points: float
    passed: bool
    reason: str


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    sha256: str
    path: str
    status: str                      # ok, errors, timeout, crashed, invalid
    isolation: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    graded_at: str = ""

    @property
    def score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_points for e in self.exercises)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def student_name(path: Path) -> str:
    return path.stem


# ---- reading and identifying a submission --------------------------------------------------------

def parse_notebook(data: bytes):
    """(notebook as nbformat v4 node, None) or (None, why it cannot be graded)."""
    import nbformat

    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, f"the file is not a valid notebook (not valid JSON: {e})"
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        major = raw.get("nbformat") if isinstance(raw, dict) else None
        if major is not None and major != 4:
            return None, (f"the notebook is in nbformat {major}; the grader reads nbformat 4 "
                          "(open it in a current Jupyter and save it again)")
        return None, "the file is not a Jupyter notebook (no list of cells)"
    if raw.get("nbformat") != 4:
        return None, f"the notebook is in nbformat {raw.get('nbformat')}; the grader reads nbformat 4"
    try:
        nb = nbformat.from_dict(raw)
        for cell in nb.cells:
            if cell.get("cell_type") not in ("code", "markdown", "raw"):
                raise ValueError(f"unknown cell type {cell.get('cell_type')!r}")
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(cell["source"])
            if not isinstance(cell.get("source", ""), str):
                raise ValueError("a cell's source is not text")
            cell.setdefault("metadata", {})
            if cell["cell_type"] == "code":
                cell.setdefault("outputs", [])
                cell.setdefault("execution_count", None)
    except Exception as e:  # a damaged notebook is a result, not a crash
        return None, f"the notebook is damaged ({type(e).__name__}: {e})"
    return nb, None


def check_calls(nb) -> dict[str, int]:
    """Exercise id -> index of the (last) code cell that checks it."""
    where: dict[str, int] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for ex_id in CHECK_CALL.findall(cell.source):
                where[ex_id] = i
    return where


def infer_assignment(nb, path: Path, override: str | None, batch: str | None = None) -> tuple[str | None, str]:
    """The assignment (chapter, e.g. "01") a submission answers, and how it was found.

    In order: ``--assignment``; the notebook's metadata (``make exercises`` writes
    ``metadata.dlcourse.assignment``); the chapter most of its ``dl.check("NN.K", ...)`` calls name; a
    two-digit chapter number that starts the file name (``01_tensors.ipynb``); else ``batch``, the
    assignment most submissions of the batch name (a damaged file belongs to its batch's assignment).
    """
    if override:
        return override.zfill(2), "given with --assignment"
    candidates = []
    if nb is not None:
        meta = nb.metadata.get("dlcourse", {}) if isinstance(nb.metadata.get("dlcourse"), dict) else {}
        if isinstance(meta.get("assignment"), str) and re.fullmatch(r"\d{1,3}", meta["assignment"]):
            candidates.append((meta["assignment"].zfill(2), "from the notebook's metadata"))
        ids = list(check_calls(nb))
        if ids:
            chapter, _ = Counter(checks.chapter_of(i) for i in ids).most_common(1)[0]
            candidates.append((chapter, "from the exercise ids in its dl.check calls"))
    m = FILE_CHAPTER.search(path.name)
    if m:
        candidates.append((m.group(1), "from the file name"))
    if not candidates:
        if batch:
            return batch, "the assignment of most submissions in this batch"
        return None, "nothing names it (use --assignment)"
    chosen, how = candidates[0]
    others = {c for c, _ in candidates if c != chosen}
    if others:
        how += f" (other clues say {', '.join(sorted(others))})"
    return chosen, how


# ---- running it ------------------------------------------------------------------------------------

def _env(out: Path) -> dict[str, str]:
    import dlcourse

    home = out / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "TMPDIR": str(out / "tmp"),
        "JUPYTER_RUNTIME_DIR": str(out / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(home / ".ipython"),
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "MPLBACKEND": "Agg",
        "XDG_CACHE_HOME": str(home / ".cache"),
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONPATH": str(Path(dlcourse.__file__).resolve().parent.parent),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DLCOURSE_HEADLESS": "1",
        "DLCOURSE_OFFLINE": "1",
        checks.ENV_RECORD: str(out / "answers"),
    }
    for var in ("VIRTUAL_ENV", "DLCOURSE_PRESET", "DLCOURSE_DATA_MIRROR"):
        if os.environ.get(var):
            env[var] = os.environ[var]
    from ..data import fetch

    env["DLCOURSE_DATA_DIR"] = str(fetch.cache_dir())  # the grader's data cache (read-only in the sandbox)
    return env


def _kill_group(pid: int | None) -> None:
    if not pid:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def read_events(path: Path) -> list[dict]:
    events = []
    with open(path, "rb") as f:
        data = f.read(MAX_EVENTS_BYTES)
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            ev = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(ev, dict) and isinstance(ev.get("event"), str):
            events.append(ev)
    return events


def run_in_sandbox(nb, options: GradeOptions, isolation: str,
                   exercise_seed: str | None = None) -> tuple[list[dict], Path, Path, dict]:
    """Run the notebook; returns (events, answers folder, folder to delete afterwards, run facts).

    ``exercise_seed``: the seed of this submission's exercise parameters (``dl.exercise_params``).
    """
    import nbformat

    scratch = Path(tempfile.mkdtemp(prefix="dlcourse-grade-"))
    out = scratch / "box"      # the only folder the submission can write
    for sub in ("work", "answers", "runtime", "home", "tmp"):
        (out / sub).mkdir(parents=True)
    nbformat.write(nb, str(out / "submission.ipynb"))
    worker = Path(__file__).with_name("worker.py")
    argv = [sys.executable, str(worker), str(out), json.dumps(options.limits.as_dict())]
    cmd = sandbox.command(isolation, out, options.hide, argv)
    events_path, err_path = scratch / "events.jsonl", scratch / "stderr.txt"
    facts = {"killed": False}
    env = _env(out)
    if exercise_seed:  # exercise parameters (#13): the kernel draws this submission's, the judge the same
        env[checks.ENV_SEED] = exercise_seed
    with open(events_path, "wb") as ev_f, open(err_path, "wb") as err_f:
        proc = subprocess.Popen(cmd, stdout=ev_f, stderr=err_f, stdin=subprocess.DEVNULL, env=env,
                                cwd=out, start_new_session=True)
        try:
            facts["returncode"] = proc.wait(timeout=options.limits.wall_s + 15)
        except subprocess.TimeoutExpired:
            facts["killed"] = True
            _kill_group(proc.pid)
            facts["returncode"] = proc.wait()
    events = read_events(events_path)
    if any(ev["event"] == "walltime" for ev in events):
        facts["killed"] = True
    if isolation != "bwrap":  # without a PID namespace, the kernel may outlive the worker: end its group
        for ev in events:
            if ev.get("event") == "kernel" and isinstance(ev.get("pid"), int):
                _kill_group(ev["pid"])
        _kill_group(proc.pid)
    with open(err_path, "rb") as f:
        f.seek(max(0, os.path.getsize(err_path) - 2000))
        facts["stderr"] = f.read().decode("utf-8", "replace")
    return events, out / "answers", scratch, facts


# ---- judging ---------------------------------------------------------------------------------------

def _cell_story(events: list[dict]) -> tuple[dict[int, dict], dict | None]:
    """Last event per cell, and the event that ended the run early (timeout of the whole run, death)."""
    per_cell: dict[int, dict] = {}
    fatal = None
    for ev in events:
        if isinstance(ev.get("cell"), int) and ev["event"] != "walltime":
            per_cell[ev["cell"]] = ev
        if ev["event"] == "died":
            fatal = ev
    return per_cell, fatal


def why_unanswered(ex_id: str, cell: int | None, per_cell: dict[int, dict], fatal: dict | None,
                   facts: dict, limits: Limits) -> str:
    if cell is None:
        return f'no answer: the notebook has no dl.check("{ex_id}", …) call'
    where = f"cell {cell + 1}"  # counted from 1, as people count, markdown cells included
    ev = per_cell.get(cell)
    if ev is None or ev["event"] == "start":
        if facts.get("killed") or (ev and ev["event"] == "start"):
            return (f"no answer: the notebook ran past the time limit ({limits.wall_s:g} s) before "
                    f"{where} finished")
        if fatal is not None:
            return (f"no answer: the kernel died in cell {fatal['cell'] + 1} (memory limit "
                    f"{limits.memory_mb} MB, os._exit or a crash), so {where} never ran")
        return f"no answer: {where} never ran (the run ended early; the grader's log says why)"
    if ev["event"] == "timeout":
        return f"no answer: {where} ran past the per-cell time limit ({limits.cell_s:g} s)"
    if ev["event"] == "error":
        return f"no answer: {where} raised {ev.get('ename')}: {ev.get('evalue')}"
    if ev["event"] == "died":
        return f"no answer: the kernel died while running {where} (memory limit, os._exit or a crash)"
    return (f"no answer recorded: {where} ran, but dl.check recorded nothing for {ex_id} "
            "(was dl.check replaced or redefined?)")


def judge(nb, ex_ids: list[str], answers: Path, events: list[dict], facts: dict,
          limits: Limits, exercise_seed: str | None = None) -> list[ExerciseResult]:
    calls = check_calls(nb) if nb is not None else {}
    per_cell, fatal = _cell_story(events)
    results = []
    for ex_id in ex_ids:
        ex = checks.lookup(ex_id)
        try:
            answer = record.load_answer(answers, ex_id)
        except FileNotFoundError:
            reason = why_unanswered(ex_id, calls.get(ex_id), per_cell, fatal, facts, limits)
            results.append(ExerciseResult(ex_id, ex.title, 0.0, ex.points, False, reason))
            continue
        except Exception as e:
            results.append(ExerciseResult(ex_id, ex.title, 0.0, ex.points, False,
                                          f"the recorded answer cannot be loaded safely: {type(e).__name__}: "
                                          f"{str(e)[:200]}"))
            continue
        passed, message = checks.run_check(ex_id, answer, ex, seed=exercise_seed)  # same parameters (#13)
        results.append(ExerciseResult(ex_id, ex.title, float(ex.points) if passed else 0.0, ex.points, passed,
                                      "" if passed else message))
    return results


def _status(events: list[dict], facts: dict) -> str:
    kinds = {ev["event"] for ev in events}
    if facts.get("killed") or ("start" in kinds and "done" not in kinds and "died" not in kinds
                               and events and events[-1]["event"] == "start"):
        return "timeout"
    if "died" in kinds or "done" not in kinds:
        return "crashed"
    if "timeout" in kinds:
        return "timeout"
    if "error" in kinds:
        return "errors"
    return "ok"


def grade_one(path: Path, options: GradeOptions, isolation: str, isolation_note: str = "",
              batch_assignment: str | None = None) -> SubmissionResult:
    t0 = time.monotonic()
    data = path.read_bytes()
    nb, problem = parse_notebook(data)
    assignment, how = infer_assignment(nb, path, options.assignment, batch_assignment)
    result = SubmissionResult(student=student_name(path), assignment=assignment or "unknown", sha256=sha256(data),
                              path=str(path), status="invalid", isolation=isolation)
    result.notes.append(f"assignment {result.assignment} ({how})")
    if isolation != "bwrap":
        result.notes.append(f"isolation: {isolation} (no bubblewrap sandbox: the submission ran with the "
                            f"grader's file access{'; ' + isolation_note if isolation_note else ''})")
    ex_ids = checks.exercises_of(assignment) if assignment else []
    if assignment and not ex_ids:
        result.notes.append(f"no exercises are registered for assignment {assignment}")
    if problem is not None:
        result.notes.append(problem)
        result.exercises = [ExerciseResult(i, checks.lookup(i).title, 0.0, checks.lookup(i).points, False,
                                           f"no answer: {problem}") for i in ex_ids]
    else:
        exercise_seed = checks.submission_seed(result.sha256)  # fresh exercise parameters per submission (#13)
        events, answers, scratch, facts = run_in_sandbox(nb, options, isolation, exercise_seed)
        try:
            result.exercises = judge(nb, ex_ids, answers, events, facts, options.limits, exercise_seed)
            result.status = _status(events, facts)
            for ev in events:
                if ev["event"] == "limits" and ev.get("enforced", {}).get("procs", 0) is None:
                    result.notes.append("process limit not enforced: Linux exempts root from RLIMIT_NPROC "
                                        "(run the grader as an ordinary user)")
            if result.status == "crashed" and not any(ev["event"] == "died" for ev in events):
                tail = facts.get("stderr", "").strip().splitlines()[-3:]
                result.notes.append("the grader's worker stopped early: " + " | ".join(tail)[:400])
            if facts.get("killed"):
                result.notes.append(f"killed after the wall-clock limit ({options.limits.wall_s:g} s)")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    result.wall_s = round(time.monotonic() - t0, 1)
    result.graded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return result


def _grade_safely(path: Path, options: GradeOptions, isolation: str, note: str, batch: str | None) -> SubmissionResult:
    """grade_one, but a bug in the grader costs this submission a row with the reason, not the batch."""
    try:
        return grade_one(path, options, isolation, note, batch)
    except Exception as e:
        try:
            digest = sha256(path.read_bytes())
        except OSError:
            digest = "unreadable"
        r = SubmissionResult(student=student_name(path), assignment=options.assignment or "unknown",
                             sha256=digest, path=str(path), status="grader-error", isolation=isolation)
        r.notes.append(f"the grader failed on this submission: {type(e).__name__}: {e}")
        r.graded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return r


def grade_submissions(paths: list[Path], options: GradeOptions, skip=None, on_result=None) -> list[SubmissionResult]:
    """Grade ``paths`` with ``options.jobs`` in parallel.

    ``skip(student, assignment, sha256)`` says whether a submission is already graded (then it is not run
    again); ``on_result(result)`` is called, in this thread, as each one finishes (to save it at once).
    """
    if options.tests_dir is not None:
        checks.load_private(options.tests_dir)
    isolation, note = sandbox.detect(options.isolation)
    if options.isolation not in ("auto", isolation):
        raise RuntimeError(f"isolation {options.isolation!r} is not available here: {note}")
    found = {}
    for p in paths:
        data = p.read_bytes()
        nb, _ = parse_notebook(data)
        found[p] = (infer_assignment(nb, p, options.assignment)[0], nb, sha256(data))
    named = Counter(a for a, _, _ in found.values() if a)
    batch = named.most_common(1)[0][0] if named else None
    todo = []
    for p, (assignment, nb, digest) in found.items():
        if assignment is None:
            assignment = infer_assignment(nb, p, options.assignment, batch)[0]
        if skip is not None and skip(student_name(p), assignment or "unknown", digest):
            continue
        todo.append(p)
    results = []
    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        futures = [pool.submit(_grade_safely, p, options, isolation, note, batch) for p in todo]
        for fut in as_completed(futures):
            r = fut.result()
            if on_result is not None:
                on_result(r)
            results.append(r)
    return results
