"""Self-checking exercises: ``dl.check("01.2", answer)``.

Each chapter's checks live in ``dlcourse/checks/chNN.py`` and register themselves with ``@exercise``.
A check function receives the learner's answer and raises ``CheckFailed`` when it is wrong, saying what kind
of wrong it is and giving a hint, never the expected value (see ``expect.py``). The same functions run in the
instructor's grader (``dlcourse grade``), outside the learner's kernel.

An exercise whose point is a procedure takes its inputs from ``dl.exercise_params("NN.K")`` (``params.py``):
the defaults in the learner's notebook, fresh values for each submission under the grader. Where the answer
is a model or a function, the exercise's *probe* runs it on inputs it was not shown, in the learner's kernel
(under the grader: inside the sandbox), and what the probe returns is the data that is recorded and judged.
"""

from __future__ import annotations

import importlib
import inspect
import os
from dataclasses import dataclass
from typing import Any, Callable

import torch

from .expect import (  # noqa: F401  (the helpers check modules import from here)
    NOT_ANSWERED,
    CheckFailed,
    as_number,
    contains_ellipsis,
    expect_close,
    expect_equal,
    expect_int,
    expect_items,
    expect_pair,
    expect_tensor,
    fail,
    shown,
    type_name,
)
from .params import ENV_SEED, Draw, Params, current_seed, draw, submission_seed  # noqa: F401

ENV_RECORD = "DLCOURSE_RECORD_ANSWERS"  # set by the grader: where check() stores answers
FROM_ENV = object()                    # run_check's default seed: this process's (the grader's, or none)


@dataclass(frozen=True)
class Exercise:
    id: str
    points: float
    check: Callable[..., None]
    title: str = ""
    params: Callable[[Draw], dict] | str | None = None  # a function of a Draw, or the id whose params it shares
    probe: Callable[[Any, Params], Any] | None = None   # runs a model/function answer on unseen inputs
    wants: str = "your model or function itself"          # what the probe needs, for the message
    takes_params: bool = False                             # the check is check(answer, params)
    probe_all: bool = False                                # probe tensors too (e.g. to read their device)


REGISTRY: dict[str, Exercise] = {}
PRIVATE: dict[str, Exercise] = {}  # an instructor's checks (``dlcourse grade --tests DIR``): they take precedence
_target = REGISTRY


def exercise(ex_id: str, points: float = 1, title: str = "", *, params=None, probe=None, wants: str = "",
             probe_all: bool = False):
    """Register a check function for exercise ``ex_id`` (e.g. ``"01.2"``) worth ``points``.

    ``params``: a function of a :class:`Draw` returning the exercise's parameters (or the id of an exercise
    whose parameters it shares); the check is then called as ``check(answer, params)``. ``probe``: a
    function ``probe(answer, params)`` that runs a model or function answer on inputs it was not shown and
    returns data (tensors, numbers); ``wants`` names that answer ("your trained network `net` itself");
    ``probe_all``: probe every answer, data included (a probe may raise CheckFailed to reject it).
    """

    def register(fn):
        takes = len(inspect.signature(fn).parameters) >= 2
        _target[ex_id] = Exercise(ex_id, points, fn, title or (fn.__doc__ or "").strip().split("\n")[0],
                                  params, probe, wants or "your model or function itself", takes, probe_all)
        return fn

    return register


def load_private(directory) -> list[str]:
    """Import every ``*.py`` in ``directory``; the exercises they register (same API: ``@exercise``) become
    private checks that replace or add to the package's. Returns the ids registered."""
    global _target
    import importlib.util
    from pathlib import Path

    before = set(PRIVATE)
    files = sorted(Path(directory).glob("*.py"))
    if not files:
        raise FileNotFoundError(f"no check modules (*.py) in {directory}")
    _target = PRIVATE
    try:
        for f in files:
            spec = importlib.util.spec_from_file_location(f"dlcourse_private_checks.{f.stem}", f)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
    finally:
        _target = REGISTRY
    return sorted(set(PRIVATE) - before, key=_order)


def _order(ex_id: str):
    return tuple(int(p) if p.isdigit() else p for p in ex_id.split("."))


def exercises_of(chapter: str) -> list[str]:
    """The ids of a chapter's exercises (the package's and any private ones), in order."""
    chapter = str(chapter).zfill(2)
    load_chapter(chapter)
    ids = {i for i in (*REGISTRY, *PRIVATE) if chapter_of(i) == chapter}
    return sorted(ids, key=_order)


def lookup(ex_id: str) -> Exercise:
    """The exercise as the grader sees it: a private check if there is one, else the package's."""
    return PRIVATE.get(ex_id) or get(ex_id)


def chapter_of(ex_id: str) -> str:
    return ex_id.split(".")[0].zfill(2)


def load_chapter(chapter: str) -> None:
    """Import the module holding a chapter's checks (``dlcourse.checks.ch01``), if it exists."""
    if not str(chapter).isdigit():
        return
    try:
        importlib.import_module(f"{__name__}.ch{chapter}")
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.ch{chapter}":
            raise


def get(ex_id: str) -> Exercise:
    if ex_id not in REGISTRY:
        load_chapter(chapter_of(ex_id))
    if ex_id not in REGISTRY:
        raise KeyError(f"no exercise {ex_id!r}; is the id right (chapter.number, e.g. '01.2')?")
    return REGISTRY[ex_id]


def params_of(ex: Exercise, seed: str | None) -> Params:
    """The exercise's parameters for ``seed`` (None: the defaults the exercise text names)."""
    if ex.params is None:
        return Params()
    if isinstance(ex.params, str):
        return params_of(lookup(ex.params), seed)
    return draw(ex.params, ex.id, seed)


def exercise_params(ex_id: str) -> Params:
    """The inputs of exercise ``ex_id``: in your notebook, the values the exercise text names; under the
    instructor's grader, fresh ones for each submission. Write code that uses them (``p.lr``), not the numbers."""
    ex = get(ex_id)
    if ex.params is None:
        raise KeyError(f"exercise {ex_id} has no parameters")
    return params_of(ex, current_seed()).public()


def prepare(ex: Exercise, answer, params: Params):
    """The answer as the grader records it: NumPy values as tensors and numbers, tensors detached on the CPU,
    tuples of plain values as lists; a model or function answer run through the exercise's probe."""
    from .record import as_recorded, is_recordable, normalize

    answer = normalize(answer)
    already = isinstance(answer, dict) and answer.get("probe") == ex.id  # a recorded probe result (the grader)
    if ex.probe is not None and not already and not contains_ellipsis(answer) and \
            (ex.probe_all or not is_recordable(answer)):
        try:
            with torch.random.fork_rng(devices=[]):  # the learner's random state is left as it was
                result = ex.probe(answer, params)
        except NotImplementedError:
            return {"probe": ex.id, "unanswered": True}
        except CheckFailed as e:  # the probe found the answer unusable and says why
            return {"probe": ex.id, "failed": str(e)}
        except Exception as e:  # the learner's model or function failed on the check's inputs
            if "ellipsis" in str(e).lower():  # a skeleton's `return ...` reached the check's inputs
                return {"probe": ex.id, "unanswered": True}
            return {"probe": ex.id, "error": f"{type(e).__name__}: {e}"[:300]}
        result = normalize(result)
        if contains_ellipsis(result):
            return {"probe": ex.id, "unanswered": True}
        return as_recorded({"probe": ex.id, "result": result})
    return as_recorded(answer)


def judge(ex: Exercise, answer, params: Params) -> tuple[bool, str]:
    """Judge a prepared (recorded) answer: (passed, message). Never raises for a wrong answer."""
    if contains_ellipsis(answer):
        return False, NOT_ANSWERED
    if ex.probe is not None:
        if not (isinstance(answer, dict) and answer.get("probe") == ex.id):
            return False, (f"expected {ex.wants}, got {type_name(answer)}: the check runs it on inputs it was "
                           "not shown")
        if answer.get("unanswered"):
            return False, NOT_ANSWERED
        if "failed" in answer:
            return False, str(answer["failed"])
        if "error" in answer:
            return False, f"your answer raised {answer['error']} when the check ran it on inputs of its own"
        answer = answer.get("result")
    try:
        with torch.random.fork_rng(devices=[]):
            if ex.takes_params:
                ex.check(answer, params)
            else:
                ex.check(answer)
    except CheckFailed as e:
        return False, str(e)
    except Exception as e:  # a check tripping over an odd answer is still a wrong answer, with a reason
        why = str(e).replace("expected", "wanted")  # e.g. "not enough values to unpack (expected 2, got 1)"
        return False, f"could not check the answer: {type(e).__name__}: {why}"[:300]
    return True, "correct"


def run_check(ex_id: str, answer, ex: Exercise | None = None, *, seed=FROM_ENV) -> tuple[bool, str]:
    """Judge an answer: (passed, message). Never raises for a wrong answer.

    ``answer`` may be what ``dl.check`` recorded (the grader's case) or a live answer (then it is prepared
    first, probe included). ``seed``: the parameters' seed (a string, or None for the defaults); by default
    this process's (``DLCOURSE_EXERCISE_SEED``, which the grader sets only inside the sandbox).
    """
    ex = ex or get(ex_id)
    seed = current_seed() if seed is FROM_ENV else seed
    try:
        params = params_of(ex, seed)
    except Exception as e:
        return False, f"could not draw the exercise's parameters: {type(e).__name__}: {e}"
    return judge(ex, prepare(ex, answer, params), params)


def check(ex_id: str, answer) -> None:
    """Check your answer to exercise ``ex_id`` and print ✓, or ✗ with what kind of mistake it looks like.

    Under the instructor's grader (``dlcourse grade``), the answer is also recorded, in a safe format, for
    the grader to judge afterwards with its own copy of the checks: what is printed here does not count.
    """
    recording = os.environ.get(ENV_RECORD)
    if ex_id not in REGISTRY:
        load_chapter(chapter_of(ex_id))
    if ex_id not in REGISTRY:
        if not recording:
            raise KeyError(f"no exercise {ex_id!r}; is the id right (chapter.number, e.g. '01.2')?")
        _record(recording, ex_id, answer)  # an instructor's private exercise: judged by the grader only
        print(f"Exercise {ex_id}: answer recorded for grading")
        return
    ex = REGISTRY[ex_id]
    params = params_of(ex, current_seed())
    prepared = prepare(ex, answer, params)
    if recording:
        _record(recording, ex_id, prepared)
    passed, message = judge(ex, prepared, params)
    mark = "✓" if passed else "✗"
    print(f"{mark} Exercise {ex_id} ({ex.points:g} point{'s' if ex.points != 1 else ''}): {message}")


def _record(directory: str, ex_id: str, answer) -> None:
    from .record import record_answer

    try:
        record_answer(directory, ex_id, answer)
    except Exception as e:  # the learner still gets feedback; the grader will say "no answer recorded"
        print(f"(could not record the answer for grading: {type(e).__name__}: {e})")
