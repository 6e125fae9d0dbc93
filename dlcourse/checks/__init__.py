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


def exercise(ex_id: str, points: float = 1, title: str = ""):
    """Register a check function for exercise ``ex_id`` (e.g. ``"01.2"``) worth ``points``."""

    def register(fn):
        REGISTRY[ex_id] = Exercise(ex_id, points, fn, title or (fn.__doc__ or "").strip().split("\n")[0])
        return fn

    return register


def chapter_of(ex_id: str) -> str:
    return ex_id.split(".")[0].zfill(2)


def load_chapter(chapter: str) -> None:
    """Import the module holding a chapter's checks (``dlcourse.checks.ch01``), if it exists."""
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


def run_check(ex_id: str, answer) -> tuple[bool, str]:
    """Judge an answer: (passed, message). Never raises for a wrong answer."""
    ex = get(ex_id)
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
    """Check your answer to exercise ``ex_id`` and print ✓ or ✗ with what was expected."""
    if os.environ.get(ENV_RECORD):
        from .record import record_answer

        record_answer(os.environ[ENV_RECORD], ex_id, answer)
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
