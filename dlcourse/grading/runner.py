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
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import checks
from ..checks import record
from . import sandbox
from .collect import Submission
from .sandbox import Limits

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
MAX_EVENTS_BYTES = 2 * 1024 * 1024
MAX_STDERR_BYTES = 2000
MAX_ANSWERS_BYTES = 256 * 1024 * 1024   # all answer files of one submission, as they come out of the sandbox
MAX_ANSWER_FILES = 1000
CHECK_CALL = re.compile(r"""check\(\s*["'](\d+\.\w+)["']""")
FILE_CHAPTER = re.compile(r"^(\d{2})[_\-]")  # 01_tensors.ipynb
HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.M)
EXERCISE_HEADING = re.compile(r"^Exercise\s+(\d+\.\w+)")
ANSWER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")


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
    submitted_at: str = ""           # the file's modification time: which of a student's files is the latest

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


def _as_submission(p) -> Submission:
    return p if isinstance(p, Submission) else Submission(Path(p), Path(p).name)


def submitted_at(path: Path) -> str:
    """When the file was submitted, as far as the grader can tell: its modification time (UTC, ISO 8601)."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="microseconds")
    except OSError:
        return ""


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


def cell_labels(nb) -> dict[int, str]:
    """How feedback names a code cell: its place among the code cells, as Jupyter numbers them after *Restart
    Kernel and Run All* (``cell [5]``), and the exercise it checks or belongs to. Markdown cells are not counted."""
    labels: dict[int, str] = {}
    n, section = 0, None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for heading in HEADING.findall(cell.source):
                m = EXERCISE_HEADING.match(heading.strip())
                section = m.group(1) if m else None
        elif cell.cell_type == "code" and cell.source.strip():
            n += 1
            ids = list(dict.fromkeys(CHECK_CALL.findall(cell.source)))
            if ids:
                labels[i] = f"cell [{n}] (exercise {', '.join(ids)})"
            elif section:
                labels[i] = f"cell [{n}] (in exercise {section})"
            else:
                labels[i] = f"cell [{n}]"
    return labels


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


def parse_events(data: bytes) -> list[dict]:
    events = []
    for line in data[:MAX_EVENTS_BYTES].decode("utf-8", "replace").splitlines():
        try:
            ev = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(ev, dict) and isinstance(ev.get("event"), str):
            events.append(ev)
    return events


def read_events(path: Path) -> list[dict]:
    with open(path, "rb") as f:
        return parse_events(f.read(MAX_EVENTS_BYTES))


class _Capture(threading.Thread):
    """Reads a pipe to its end, keeping its first ``head`` or last ``tail`` bytes: a submission that floods the
    grader's pipes costs neither disk nor more than that much memory."""

    def __init__(self, fd: int, head: int = 0, tail: int = 0):
        super().__init__(daemon=True)
        self.fd, self.head, self.tail, self.data = fd, head, tail, b""

    def run(self):
        try:
            while chunk := os.read(self.fd, 1 << 16):
                if self.head and len(self.data) < self.head:
                    self.data += chunk[: self.head - len(self.data)]
                elif self.tail:
                    self.data = (self.data + chunk)[-self.tail:]
        except OSError:
            pass
        finally:
            os.close(self.fd)


class _AnswerReceiver(threading.Thread):
    """Receives the answers ``box.py`` sends out of the bubblewrap sandbox and writes them to ``folder``.

    The stream comes from the submission's side, so it is capped: plain file names only, at most
    MAX_ANSWER_FILES files and MAX_ANSWERS_BYTES in all, each file cut one byte past what ``load_answer``
    accepts (so it still says "larger than"); a symbolic link comes back as a link that points nowhere.
    """

    def __init__(self, fd: int, folder: Path):
        super().__init__(daemon=True)
        self.fd, self.folder, self.problem = fd, folder, None

    def run(self):
        total, files = 0, 0
        per_file = record.MAX_ANSWER_BYTES + 1
        try:
            with os.fdopen(self.fd, "rb") as f:
                while True:
                    line = f.readline(4096)
                    if not line:
                        self.problem = self.problem or "the sandbox sent no end of answers (it was killed)"
                        break
                    try:
                        head = json.loads(line)
                    except ValueError:
                        self.problem = "the answers sent out of the sandbox were garbled; the rest was ignored"
                        break
                    if not isinstance(head, dict) or head.get("end"):
                        break
                    name, kind, size = head.get("name"), head.get("kind"), head.get("size", 0)
                    if not (isinstance(name, str) and ANSWER_NAME.match(name) and isinstance(size, int)
                            and size >= 0):
                        self.problem = "the answers sent out of the sandbox were garbled; the rest was ignored"
                        break
                    files += 1
                    keep = files <= MAX_ANSWER_FILES and total < MAX_ANSWERS_BYTES
                    dest = self.folder / name
                    if kind == "symlink":
                        if keep and not os.path.lexists(dest):
                            os.symlink("symbolic-link-in-the-submission", dest)
                        continue
                    n = min(size, per_file, MAX_ANSWERS_BYTES - total) if keep else 0
                    data = f.read(n)
                    _skip(f, size - len(data))
                    if keep and len(data) == n:
                        total += n
                        with open(dest, "wb") as out:
                            out.write(data)
                    elif not keep:
                        self.problem = (f"the submission recorded more than {MAX_ANSWER_FILES} answer files or "
                                        f"{MAX_ANSWERS_BYTES // 2**20} MB of answers; the rest was ignored")
                while f.read(1 << 16):  # let the sender finish
                    pass
        except OSError as e:
            self.problem = f"receiving the answers failed: {e}"


def _skip(f, n: int) -> None:
    while n > 0:
        chunk = f.read(min(n, 1 << 16))
        if not chunk:
            return
        n -= len(chunk)


MAX_FILES = 100_000  # as box.py: more files and folders than this count as passing the write limit


def disk_usage(folder: Path, stop_at: int) -> int:
    """Bytes allocated under ``folder`` (not following links), each file or folder counted as at least
    ``stop_at / MAX_FILES`` (so that a million empty files pass the limit too); counting stops past ``stop_at``."""
    total, stack, least = 0, [folder], stop_at // MAX_FILES + 1
    while stack and total <= stop_at:
        try:
            with os.scandir(stack.pop()) as it:
                for e in it:
                    try:
                        st = e.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += max(st.st_blocks * 512, least)
                    if e.is_dir(follow_symlinks=False):
                        stack.append(Path(e.path))
        except OSError:
            continue
    return total


def run_in_sandbox(nb, options: GradeOptions, isolation: str,
                   exercise_seed: str | None = None) -> tuple[list[dict], Path, Path, dict]:
    """Run the notebook; returns (events, answers folder, folder to delete afterwards, run facts).

    ``exercise_seed``: the seed of this submission's exercise parameters (``dl.exercise_params``).

    Under bubblewrap the box is a tmpfs of ``limits.disk_mb`` inside the sandbox (``box.py``), and the answers
    come back over a pipe. Without it, the box is on the host's disk and a watchdog stops the run once the box
    holds more than ``limits.disk_mb``.
    """
    import nbformat

    limits = options.limits
    scratch = Path(tempfile.mkdtemp(prefix="dlcourse-grade-")).resolve()
    out = scratch / "box"      # the only folder the submission can write
    for sub in ("work", "answers", "runtime", "home", "tmp"):
        (out / sub).mkdir(parents=True)
    nbformat.write(nb, str(out / "submission.ipynb"))
    worker = Path(__file__).with_name("worker.py")
    argv = [sys.executable, str(worker), str(out), json.dumps(limits.as_dict())]
    pass_fds: tuple[int, ...] = ()
    receiver = None
    if isolation == "bwrap":
        r_ans, w_ans = os.pipe()
        spec = dict(box=str(out), staging=str(scratch / "in"), answers_fd=w_ans, deadline_s=limits.wall_s + 10,
                    disk_mb=limits.disk_mb, shm_mb=sandbox.SHM_MB)
        argv = [sys.executable, str(Path(__file__).with_name("box.py")), json.dumps(spec)] + argv
        pass_fds = (w_ans,)
        receiver = _AnswerReceiver(r_ans, out / "answers")
    cmd = sandbox.command(isolation, out, options.hide, argv, limits.disk_mb, scratch / "in")
    facts: dict = {"killed": False, "write_limit": None}
    env = _env(out)
    if exercise_seed:  # exercise parameters (#13): the kernel draws this submission's, the judge the same
        env[checks.ENV_SEED] = exercise_seed
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=env, cwd=out, start_new_session=True, pass_fds=pass_fds)
    finally:
        for fd in pass_fds:
            os.close(fd)
    events_in = _Capture(os.dup(proc.stdout.fileno()), head=MAX_EVENTS_BYTES)
    err_in = _Capture(os.dup(proc.stderr.fileno()), tail=MAX_STDERR_BYTES)
    proc.stdout.close()
    proc.stderr.close()
    threads = [t for t in (events_in, err_in, receiver) if t is not None]
    for t in threads:
        t.start()
    backstop = time.monotonic() + limits.wall_s + (30 if isolation == "bwrap" else 15)
    cap = limits.disk_mb * 1024 * 1024
    while proc.poll() is None:
        if time.monotonic() > backstop:
            facts["killed"] = True
        elif isolation != "bwrap" and disk_usage(out, cap) > cap:
            facts["write_limit"] = {"folder": "box", "limit_mb": limits.disk_mb}
        else:
            time.sleep(0.25)
            continue
        _kill_group(proc.pid)
        for ev in parse_events(events_in.data):  # the kernel has its own process group
            if ev.get("event") == "kernel" and isinstance(ev.get("pid"), int):
                _kill_group(ev["pid"])
        break
    facts["returncode"] = proc.wait()
    if isolation != "bwrap":  # without a PID namespace, the kernel may outlive the worker: end its group
        for ev in parse_events(events_in.data):
            if ev.get("event") == "kernel" and isinstance(ev.get("pid"), int):
                _kill_group(ev["pid"])
        _kill_group(proc.pid)
    for t in threads:
        t.join(timeout=30)
    events = parse_events(events_in.data)
    if any(ev["event"] == "walltime" for ev in events):
        facts["killed"] = True
    for ev in events:
        if ev["event"] == "write_limit" and facts["write_limit"] is None:
            facts["write_limit"] = {"folder": str(ev.get("folder", "box")), "stopped": bool(ev.get("stopped", True)),
                                    "limit_mb": ev.get("limit_mb", limits.disk_mb)}
    if receiver is not None and receiver.problem and not facts["killed"] and not facts["write_limit"]:
        facts["answers_problem"] = receiver.problem
    facts["stderr"] = err_in.data.decode("utf-8", "replace")
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


def write_limit_text(facts: dict) -> str:
    w = facts.get("write_limit") or {}
    if w.get("folder") == "/dev/shm":
        return f"its {w.get('limit_mb')} MB of shared memory (/dev/shm)"
    return (f"its write limit ({w.get('limit_mb')} MB or {MAX_FILES:,} files in its working and temporary "
            "folders, --disk)")


def why_unanswered(ex_id: str, cell: int | None, per_cell: dict[int, dict], fatal: dict | None,
                   facts: dict, limits: Limits, labels: dict[int, str] | None = None) -> str:
    def name(i: int) -> str:
        return (labels or {}).get(i) or f"cell {i + 1}"

    if cell is None:
        return f'no answer: the notebook has no dl.check("{ex_id}", …) call'
    where = name(cell)
    ev = per_cell.get(cell)
    if ev is None or ev["event"] == "start":
        if facts.get("write_limit"):
            stopped = f"no answer: the run was stopped when it wrote past {write_limit_text(facts)}"
            if ev is not None:
                return f"{stopped}, in {where}"
            running = [c for c, e in per_cell.items() if e["event"] == "start"]
            at = f" in {name(running[-1])}" if running else ""
            return f"{stopped}{at}, so {where} never ran"
        if facts.get("killed") or (ev and ev["event"] == "start"):
            return (f"no answer: the notebook ran past the time limit ({limits.wall_s:g} s) before "
                    f"{where} finished")
        if fatal is not None:
            return (f"no answer: the kernel died in {name(fatal['cell'])} (memory limit "
                    f"{limits.memory_mb} MB, os._exit or a crash), so {where} never ran")
        return f"no answer: {where} never ran (the run ended early; the grader's log says why)"
    if ev["event"] == "timeout":
        return f"no answer: {where} ran past the per-cell time limit ({limits.cell_s:g} s)"
    if ev["event"] == "error":
        text = f"no answer: {where} raised {ev.get('ename')}: {ev.get('evalue')}"
        if "No space left on device" in str(ev.get("evalue")) or "File too large" in str(ev.get("evalue")):
            text += f" (its write limit: {limits.disk_mb} MB in all, --disk)"
        return text
    if ev["event"] == "died":
        return f"no answer: the kernel died while running {where} (memory limit, os._exit or a crash)"
    return (f"no answer recorded: {where} ran, but dl.check recorded nothing for {ex_id} "
            "(was dl.check replaced or redefined?)")


def judge(nb, ex_ids: list[str], answers: Path, events: list[dict], facts: dict,
          limits: Limits, exercise_seed: str | None = None) -> list[ExerciseResult]:
    calls = check_calls(nb) if nb is not None else {}
    labels = cell_labels(nb) if nb is not None else {}
    per_cell, fatal = _cell_story(events)
    results = []
    for ex_id in ex_ids:
        ex = checks.lookup(ex_id)
        try:
            answer = record.load_answer(answers, ex_id)
        except FileNotFoundError:
            reason = why_unanswered(ex_id, calls.get(ex_id), per_cell, fatal, facts, limits, labels)
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
    if facts.get("write_limit"):
        return "write-limit"
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


def grade_one(sub, options: GradeOptions, isolation: str, isolation_note: str = "",
              batch_assignment: str | None = None) -> SubmissionResult:
    """Grade one submission (a ``Submission``, or a path: then the file name names the student)."""
    sub = _as_submission(sub)
    path = sub.path
    t0 = time.monotonic()
    data = path.read_bytes()
    nb, problem = parse_notebook(data)
    assignment, how = infer_assignment(nb, path, options.assignment, batch_assignment)
    result = SubmissionResult(student=sub.student, assignment=assignment or "unknown", sha256=sha256(data),
                              path=str(path), status="invalid", isolation=isolation,
                              submitted_at=submitted_at(path))
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
            if facts.get("write_limit"):
                if facts["write_limit"].get("stopped", True):
                    result.notes.append(f"stopped: the run was stopped when it wrote past {write_limit_text(facts)}; "
                                        "what it had answered before was graded")
                else:
                    result.notes.append(f"it filled {write_limit_text(facts)}: its writes failed from then on "
                                        "(No space left on device)")
            if facts.get("answers_problem"):
                result.notes.append(facts["answers_problem"])
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


def _grade_safely(sub: Submission, options: GradeOptions, isolation: str, note: str,
                  batch: str | None) -> SubmissionResult:
    """grade_one, but a bug in the grader costs this submission a row with the reason, not the batch."""
    try:
        return grade_one(sub, options, isolation, note, batch)
    except Exception as e:
        try:
            digest = sha256(sub.path.read_bytes())
        except OSError:
            digest = "unreadable"
        r = SubmissionResult(student=sub.student, assignment=options.assignment or "unknown",
                             sha256=digest, path=str(sub.path), status="grader-error", isolation=isolation,
                             submitted_at=submitted_at(sub.path))
        r.notes.append(f"the grader failed on this submission: {type(e).__name__}: {e}")
        r.graded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return r


@dataclass
class Plan:
    """What a batch will do: the submissions to run, those skipped (with why), and the batch's assignment."""

    todo: list[Submission]
    skipped: list[tuple[Submission, str]]
    batch: str | None
    total: int = 0


SKIP_SAME_FILE = "already graded: the gradebook holds this file (same SHA-256) for this student and assignment"


def plan_batch(subs, options: GradeOptions, skip=None) -> Plan:
    """Read every submission (cheap: no kernel) to name its assignment and hash; ``skip(student, assignment,
    sha256)`` says which are already graded."""
    subs = [_as_submission(p) for p in subs]
    found = {}
    for sub in subs:
        data = sub.path.read_bytes()
        nb, _ = parse_notebook(data)
        found[sub] = (infer_assignment(nb, sub.path, options.assignment)[0], nb, sha256(data))
    named = Counter(a for a, _, _ in found.values() if a)
    batch = named.most_common(1)[0][0] if named else None
    todo, skipped = [], []
    for sub, (assignment, nb, digest) in found.items():
        if assignment is None:
            assignment = infer_assignment(nb, sub.path, options.assignment, batch)[0]
        if skip is not None and skip(sub.student, assignment or "unknown", digest):
            skipped.append((sub, SKIP_SAME_FILE))
        else:
            todo.append(sub)
    return Plan(todo, skipped, batch, len(subs))


def grade_submissions(paths, options: GradeOptions, skip=None, on_result=None,
                      plan: Plan | None = None) -> list[SubmissionResult]:
    """Grade ``paths`` (``Submission``s, or paths named by their file names) with ``options.jobs`` in parallel.

    ``skip(student, assignment, sha256)`` says whether a submission is already graded (then it is not run
    again); ``on_result(result)`` is called, in this thread, as each one finishes (to save it at once). A
    ``plan`` from ``plan_batch`` saves reading the files twice.
    """
    if options.tests_dir is not None:
        checks.load_private(options.tests_dir)
    if plan is None:
        plan = plan_batch(paths, options, skip)
    if not plan.todo:
        return []
    isolation, note = sandbox.detect(options.isolation)
    if options.isolation not in ("auto", isolation):
        raise RuntimeError(f"isolation {options.isolation!r} is not available here: {note}")
    results = []
    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        futures = [pool.submit(_grade_safely, sub, options, isolation, note, plan.batch) for sub in plan.todo]
        for fut in as_completed(futures):
            r = fut.result()
            if on_result is not None:
                on_result(r)
            results.append(r)
    return results
