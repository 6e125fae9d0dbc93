"""Self-checking exercises: ``dl.check("01.2", answer)``.

Each chapter's checks live in ``dlcourse/checks/chNN.py`` and register themselves with ``@exercise``.
A check function receives the learner's answer and raises ``CheckFailed`` with a helpful message
when it is wrong. The same functions run in the instructor's grader (``dlcourse grade``), outside
the learner's kernel.
"""

from __future__ import annotations

import importlib
import math
import os
from dataclasses import dataclass
from typing import Any, Callable

import torch

ENV_RECORD = "DLCOURSE_RECORD_ANSWERS"  # set by the grader: where check() stores answers


class CheckFailed(AssertionError):
    """The answer is wrong; the message says what was expected."""


class NotAnswered(CheckFailed):
    """The answer is still the placeholder ``...``."""


@dataclass(frozen=True)
class Exercise:
    id: str
    points: float
    check: Callable[[Any], None]
    title: str = ""


REGISTRY: dict[str, Exercise] = {}
PRIVATE: dict[str, Exercise] = {}  # an instructor's checks (``dlcourse grade --tests DIR``): they take precedence
_target = REGISTRY


def exercise(ex_id: str, points: float = 1, title: str = ""):
    """Register a check function for exercise ``ex_id`` (e.g. ``"01.2"``) worth ``points``."""

    def register(fn):
        _target[ex_id] = Exercise(ex_id, points, fn, title or (fn.__doc__ or "").strip().split("\n")[0])
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


def run_check(ex_id: str, answer, ex: Exercise | None = None) -> tuple[bool, str]:
    """Judge an answer: (passed, message). Never raises for a wrong answer."""
    ex = ex or get(ex_id)
    if answer is Ellipsis:
        return False, "not answered yet: replace the `...` with your answer"
    try:
        ex.check(answer)
    except CheckFailed as e:
        return False, str(e)
    except Exception as e:  # a check tripping over an odd answer is still a wrong answer, with a reason
        return False, f"could not check the answer: {type(e).__name__}: {e}"
    return True, "correct"


def check(ex_id: str, answer) -> None:
    """Check your answer to exercise ``ex_id`` and print ✓ or ✗ with what was expected.

    Under the instructor's grader (``dlcourse grade``), the answer is also recorded, in a safe format, for
    the grader to judge afterwards with its own copy of the checks: what is printed here does not count.
    """
    if os.environ.get(ENV_RECORD):
        from .record import record_answer

        try:
            record_answer(os.environ[ENV_RECORD], ex_id, answer)
        except Exception as e:  # the learner still gets feedback; the grader will say "no answer recorded"
            print(f"(could not record the answer for grading: {type(e).__name__}: {e})")
        if ex_id not in REGISTRY:
            load_chapter(chapter_of(ex_id))
        if ex_id not in REGISTRY:  # an instructor's private exercise: judged by the grader only
            print(f"Exercise {ex_id}: answer recorded for grading")
            return
    passed, message = run_check(ex_id, answer)
    ex = REGISTRY[ex_id]
    mark = "✓" if passed else "✗"
    print(f"{mark} Exercise {ex_id} ({ex.points:g} point{'s' if ex.points != 1 else ''}): {message}")


# ---- helpers that check functions use ----------------------------------------------------------

def expect_tensor(answer, *, shape=None, dtype=None, values=None, atol: float = 1e-6, rtol: float = 1e-5,
                  hint: str = "") -> torch.Tensor:
    """Fail unless ``answer`` is a tensor with the given shape, dtype and values (within tolerances)."""
    suffix = f" Hint: {hint}" if hint else ""
    if not isinstance(answer, torch.Tensor):
        raise CheckFailed(f"expected a torch.Tensor, got {type(answer).__name__}.{suffix}")
    if shape is not None and tuple(answer.shape) != tuple(shape):
        raise CheckFailed(f"expected shape {tuple(shape)}, got {tuple(answer.shape)}.{suffix}")
    if dtype is not None and answer.dtype != dtype:
        raise CheckFailed(f"expected dtype {dtype}, got {answer.dtype}.{suffix}")
    if values is not None:
        expected = torch.as_tensor(values, dtype=answer.dtype if answer.is_floating_point() else None)
        got = answer.detach().cpu()
        if got.shape != expected.shape:
            raise CheckFailed(f"expected shape {tuple(expected.shape)}, got {tuple(got.shape)}.{suffix}")
        if not torch.allclose(got.to(expected.dtype), expected, atol=atol, rtol=rtol):
            worst = (got.to(torch.float64) - expected.to(torch.float64)).abs().max().item()
            raise CheckFailed(f"values differ from the expected ones by up to {worst:.3g} "
                              f"(tolerance {atol:g}).{suffix}")
    return answer


def expect_close(answer, expected: float, *, atol: float = 1e-6, rtol: float = 0.0, hint: str = "") -> float:
    """Fail unless ``answer`` is a number (or one-element tensor) within tolerance of ``expected``."""
    suffix = f" Hint: {hint}" if hint else ""
    if isinstance(answer, torch.Tensor):
        if answer.numel() != 1:
            raise CheckFailed(f"expected a single number, got a tensor of shape {tuple(answer.shape)}.{suffix}")
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        raise CheckFailed(f"expected a number, got {type(answer).__name__}.{suffix}")
    if not math.isclose(answer, expected, abs_tol=atol, rel_tol=rtol):
        raise CheckFailed(f"expected {expected:.6g} (within {max(atol, rtol * abs(expected)):.2g}), "
                          f"got {answer:.6g}.{suffix}")
    return answer


def expect_equal(answer, expected, *, hint: str = ""):
    """Fail unless ``answer == expected`` (for plain values: ints, strings, tuples, lists)."""
    if answer != expected:
        suffix = f" Hint: {hint}" if hint else ""
        raise CheckFailed(f"expected {expected!r}, got {answer!r}.{suffix}")
    return answer


def expect_pair(answer, what: str = "") -> tuple:
    """Fail unless ``answer`` is a pair (a tuple or list of two); return it as a tuple."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise CheckFailed(f"expected a pair{' ' + what if what else ''}, got {type(answer).__name__}")
    return tuple(answer)


def expect_int(answer, expected: int | None = None, *, what: str = "a whole number", hint: str = "") -> int:
    """Fail unless ``answer`` is an int (a one-element integer tensor counts) equal to ``expected``, if given."""
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        value = answer.item()
        answer = int(value) if float(value).is_integer() else value
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise CheckFailed(f"expected {what} as an integer, got {type(answer).__name__}")
    if expected is not None:
        expect_equal(answer, expected, hint=hint)
    return answer

