"""The helpers check functions use. They say what *kind* of wrong an answer is, never what the right one is.

A failed check names the learner's answer as given, the kind of mistake it looks like (a wrong type, shape
or dtype; a flipped sign; a factor 2, ½ or n; a sum where a mean is wanted; a transpose; the right numbers
in the wrong order; a known mistake the check lists) and a hint toward the method. None of the messages
these helpers build contains the expected value: they never format it.
"""

from __future__ import annotations

import math

import torch


class CheckFailed(AssertionError):
    """The answer is wrong; the message says what kind of wrong, with a hint."""


NOT_ANSWERED = "not answered yet: replace the `...` with your answer"


def fail(message: str, hint: str = ""):
    """Raise CheckFailed with ``message`` and, if given, a hint."""
    message = message.rstrip()
    if not message.endswith((".", "?", "!")):
        message += "."
    raise CheckFailed(f"{message} Hint: {hint}" if hint else message)


# ---- describing the learner's answer ---------------------------------------------------------------

def type_name(v) -> str:
    if isinstance(v, torch.Tensor):
        return "a tensor" if v.ndim else "a one-element tensor"
    return type(v).__name__


def shown(v) -> str:
    """The learner's answer as given (never rounded to an int): 15.625 stays 15.625."""
    if isinstance(v, torch.Tensor):
        if v.numel() == 1:
            return shown(v.item())
        return f"a tensor of shape {tuple(v.shape)}"
    if isinstance(v, float):
        r = repr(v)
        return r if len(r) <= 12 else f"{v:.8g}"
    r = repr(v)
    return r if len(r) <= 70 else r[:67] + "…"


def ordinal(i: int) -> str:
    n = i + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def as_number(v):
    """A Python int or float from a number, a NumPy scalar or a one-element tensor; None for anything else."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, torch.Tensor):
        if v.numel() != 1 or v.dtype == torch.bool or v.is_complex():
            return None
        return v.item()
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return None
    if isinstance(v, np.generic) and v.dtype.kind in "iuf":
        return v.item()
    if isinstance(v, np.ndarray) and v.size == 1 and v.dtype.kind in "iuf":
        return v.item()
    return None


def contains_ellipsis(v) -> bool:
    if v is Ellipsis:
        return True
    if isinstance(v, (list, tuple)):
        return any(contains_ellipsis(x) for x in v)
    if isinstance(v, dict):
        return any(contains_ellipsis(x) for x in v.values())
    return False


# ---- diagnosing numbers ----------------------------------------------------------------------------

def _close(a: float, b: float, atol: float, rtol: float) -> bool:
    return abs(a - b) <= max(atol, rtol * abs(b), 1e-9 * max(1.0, abs(b)))


def diagnose_number(got: float, exp: float, atol: float = 1e-6, rtol: float = 0.0, n: int | None = None) -> str:
    """What kind of wrong ``got`` is, compared with ``exp``; "" when no known kind fits. Never shows ``exp``."""
    if isinstance(got, float) and not math.isfinite(got):
        return f"it is {got}: an overflow, a division by zero or the log of 0 somewhere?"

    def near(x):
        return _close(x, exp, atol, rtol)

    if exp != 0 and near(-got):
        return "the sign is flipped"
    if exp != 0 and near(got / 2):
        return "it is twice the right size: a factor 2 too many"
    if exp != 0 and near(got * 2):
        return "it is half the right size: a factor 2 missing"
    if n and n > 2 and exp != 0 and near(got / n):
        return f"it is {n} times too large: a sum over the {n} items where their mean is wanted?"
    if n and n > 2 and exp != 0 and near(got * n):
        return f"it is {n} times too small: a mean over the {n} items where their sum is wanted?"
    if exp > 0 and abs(exp - 1) > 1e-9 and got > 0 and near(math.sqrt(got)):
        return "it is the square of the right value: a square root missing?"
    if exp > 0 and abs(exp - 1) > 1e-9 and got > 0 and near(got * got):
        return "it is the square root of the right value: is a square (not a root) wanted?"
    if isinstance(got, int) and isinstance(exp, int) and abs(got - exp) == 1:
        return "it is off by one"
    if exp != 0 and abs(got - exp) <= 0.02 * abs(exp):
        return "it is close, but not within the tolerance: rounded too early, or a small slip in the procedure?"
    return ""


def _number_message(got, exp, atol, rtol, n, where="your answer") -> str:
    why = diagnose_number(got, exp, atol, rtol, n)
    return f"{_head(got, where)} is not right" + (f": {why}" if why else "")


def _head(got, label: str) -> str:
    return f"your answer {shown(got)}" if label == "your answer" else f"{label}, {shown(got)},"


def expect_close(answer, expected: float, *, atol: float = 1e-6, rtol: float = 0.0, hint: str = "",
                 mistakes=(), n: int | None = None, what: str = "a number", label: str = "your answer") -> float:
    """Fail unless ``answer`` is a number (or a one-element tensor) within tolerance of ``expected``.

    ``mistakes`` is a list of ``(wrong value, what it means)``: an answer that matches one gets that message.
    ``n`` is a count the answer averages over (so "n times too large" can be recognised). ``label`` names the
    answer in messages ("the L1 norm of v") when it is one of several numbers.
    """
    got = as_number(answer)
    if got is None:
        where = "" if label == "your answer" else f" for {label}"
        if isinstance(answer, torch.Tensor):
            fail(f"expected a single number{where}, got a tensor of shape {tuple(answer.shape)}", hint)
        fail(f"expected {what}{where}, got {type_name(answer)}", hint)
    if _close(got, expected, atol, rtol):
        return got
    for value, why in mistakes:
        if _close(got, value, atol, rtol):
            fail(f"{_head(got, label)} is not right: {why}", hint)
    tol = max(atol, rtol * abs(expected))
    fail(f"{_number_message(got, expected, atol, rtol, n, label)} (tolerance {tol:.2g})", hint)


def expect_int(answer, expected: int | None = None, *, what: str = "a whole number", hint: str = "",
               mistakes=(), label: str = "your answer") -> int:
    """Fail unless ``answer`` is a whole number (int, NumPy int, a float such as 18.0, a one-element tensor)
    equal to ``expected`` (if given). Returns it as an int."""
    got = as_number(answer)
    if got is None:
        where = "" if label == "your answer" else f" for {label}"
        fail(f"expected {what} (an integer){where}, got {type_name(answer)}", hint)
    if isinstance(got, float):
        if not got.is_integer():
            fail(f"{_head(got, label)} is not a whole number", hint)
        got = int(got)
    if expected is not None and got != expected:
        for value, why in mistakes:
            if got == value:
                fail(f"{_head(got, label)} is not right: {why}", hint)
        fail(_number_message(got, int(expected), 0, 0, None, label), hint)
    return got


# ---- diagnosing structured answers -----------------------------------------------------------------

def _plain(v):
    """Tensors and sizes as lists and numbers, for comparing structures."""
    if isinstance(v, torch.Size):
        return list(v)
    if isinstance(v, torch.Tensor):
        return v.item() if v.numel() == 1 and v.ndim == 0 else v.tolist()
    num = as_number(v)
    if num is not None:
        return num
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _kind(v) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list or tuple"
    if isinstance(v, dict):
        return "a dict"
    if v is None:
        return "None"
    name = type(v).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _items(k: int) -> str:
    return f"{k} item" if k == 1 else f"{k} items"


def _child(where: str, label: str) -> str:
    return f"the {label}" if where == "your answer" else f"{where}'s {label}"


def _difference(got, exp, where: str) -> str | None:
    """Why ``got`` differs from ``exp`` (both plain), or None if they agree. Never shows ``exp``."""
    kg, ke = _kind(got), _kind(exp)
    if kg != ke:
        return f"{where} should be {ke}, not {kg}"
    if ke == "a number":
        if got == exp or _close(got, exp, 1e-9, 1e-9):
            return None
        return _number_message(got, exp, 1e-9, 1e-9, None, where)
    if ke in ("a string", "a boolean"):
        if got == exp:
            return None
        return f"your answer {shown(got)} is not right" if where == "your answer" else f"{where} is not right"
    if ke == "a dict":
        missing, extra = sorted(set(exp) - set(got)), sorted(set(got) - set(exp))
        if missing or extra:
            parts = ([f"missing keys {missing}"] if missing else []) + ([f"unknown keys {extra}"] if extra else [])
            return f"{where} has {' and '.join(parts)}"
        for k in exp:
            why = _difference(got[k], exp[k], _child(where, f"value for {k!r}"))
            if why:
                return why
        return None
    # lists and tuples
    if len(got) != len(exp):
        return f"{where} has {_items(len(got))}; the answer has {_items(len(exp))}"
    wrong = [i for i, (g, e) in enumerate(zip(got, exp)) if _difference(g, e, "") is not None]
    if not wrong:
        return None
    kinds = {_kind(e) for e in exp} | {_kind(g) for g in got}
    if len(kinds) == 1 and kinds <= {"a number", "a string"} and sorted(got) == sorted(exp):
        if list(reversed(got)) == list(exp):
            return f"{where} has the right items in reverse order"
        return f"{where} has the right items in the wrong order"
    if all(_kind(e) in ("a boolean", "a string") for e in exp):
        return f"{where}: {len(wrong)} of its {len(exp)} items {'is' if len(wrong) == 1 else 'are'} not right"
    i = wrong[0]
    why = _difference(got[i], exp[i], _child(where, f"{ordinal(i)} item"))
    k = len(wrong) - 1
    more = f" ({k} more item{'s' if k > 1 else ''} also differ{'' if k > 1 else 's'})" if k else ""
    return why + more


def expect_equal(answer, expected, *, hint: str = "", mistakes=()):
    """Fail unless ``answer`` equals ``expected``: numbers, strings, booleans, and lists, tuples and dicts of
    them (tuples and lists are alike; tensors and NumPy values count as their numbers). Returns ``answer``."""
    got, exp = _plain(answer), _plain(expected)
    why = _difference(got, exp, "your answer")
    if why is None:
        return answer
    for value, meaning in mistakes:
        if _difference(got, _plain(value), "") is None:
            fail(f"your answer is not right: {meaning}", hint)
    fail(why, hint)


def expect_pair(answer, what: str = "") -> tuple:
    """Fail unless ``answer`` is a pair (a tuple or list of two); return it as a tuple."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        got = f"{type_name(answer)} of {len(answer)}" if isinstance(answer, (tuple, list)) else type_name(answer)
        fail(f"expected a pair{' ' + what if what else ''}, got {got}")
    return tuple(answer)


def expect_items(answer, count: int, what: str) -> tuple:
    """Fail unless ``answer`` is a tuple or list of ``count`` items; return it as a tuple."""
    if not isinstance(answer, (tuple, list)) or len(answer) != count:
        got = f"{type_name(answer)} of {len(answer)}" if isinstance(answer, (tuple, list)) else type_name(answer)
        fail(f"expected {what}, got {got}")
    return tuple(answer)


# ---- diagnosing tensors ----------------------------------------------------------------------------

def diagnose_tensor(got: torch.Tensor, exp: torch.Tensor, atol: float, rtol: float, n: int | None = None) -> str:
    """What kind of wrong the tensor ``got`` is, compared with ``exp`` of the same shape. Never shows ``exp``."""
    g, e = got.detach().cpu().to(torch.float64), exp.detach().cpu().to(torch.float64)
    if not torch.isfinite(g).all():
        return "it contains nan or inf: an overflow, a division by zero or the log of 0 somewhere?"

    def near(x):
        return torch.allclose(x, e, atol=max(atol, 1e-9), rtol=rtol)

    nonzero = bool((e.abs() > max(atol, 1e-9)).any())
    if nonzero and near(-g):
        return "every sign is flipped"
    if nonzero and near(g / 2):
        return "every value is twice the right size: a factor 2 too many"
    if nonzero and near(g * 2):
        return "every value is half the right size: a factor 2 missing"
    if n and n > 2 and nonzero and near(g / n):
        return f"every value is {n} times too large: a sum over {n} items where their mean is wanted?"
    if n and n > 2 and nonzero and near(g * n):
        return f"every value is {n} times too small: a mean over {n} items where their sum is wanted?"
    if g.ndim == 2 and g.shape[0] == g.shape[1] and g.shape[0] > 1 and near(g.T):
        return "it is the transpose of the right matrix: rows and columns swapped"
    if g.numel() > 1:
        shift = g - e
        if (shift - shift.flatten()[0]).abs().max() <= max(atol, 1e-9) and shift.abs().max() > atol:
            return "every value is off by the same amount: a missing or extra constant (a bias, an offset)?"
        if torch.allclose(g.flatten().sort().values, e.flatten().sort().values, atol=max(atol, 1e-9), rtol=rtol):
            return "it holds the right numbers in the wrong places"
    bad = ~torch.isclose(g, e, atol=max(atol, 1e-9), rtol=rtol)
    k, total = int(bad.sum()), bad.numel()
    if total == 1:
        return diagnose_number(g.item(), e.item(), atol, rtol, n) or "the value is not right"
    first = tuple(int(i) for i in bad.nonzero()[0].tolist())
    where = first[0] if len(first) == 1 else first
    return f"{k} of its {total} entries {'is' if k == 1 else 'are'} wrong, the first at index {where}"


def expect_tensor(answer, *, shape=None, dtype=None, values=None, atol: float = 1e-6, rtol: float = 1e-5,
                  hint: str = "", mistakes=(), n: int | None = None) -> torch.Tensor:
    """Fail unless ``answer`` is a tensor with the given shape, dtype and values (within tolerances).

    ``mistakes``: a list of ``(wrong tensor, what it means)``; ``n``: a count the values average over.
    """
    if not isinstance(answer, torch.Tensor):
        fail(f"expected a torch.Tensor, got {type_name(answer)}", hint)
    if shape is not None and tuple(answer.shape) != tuple(shape):
        got_shape, want = tuple(answer.shape), tuple(shape)
        extra = ""
        if len(got_shape) > 1 and got_shape[::-1] == want:
            extra = " (the dimensions are swapped: transposed?)"
        elif answer.numel() == math.prod(want):
            extra = " (the right number of entries, arranged differently: a reshape or a missing flatten?)"
        fail(f"expected shape {want}, got {got_shape}{extra}", hint)
    if dtype is not None and answer.dtype != dtype:
        fail(f"expected dtype {dtype}, got {answer.dtype}", hint)
    if values is None:
        return answer
    expected = torch.as_tensor(values).detach().cpu()
    got = answer.detach().cpu()
    if tuple(got.shape) != tuple(expected.shape):
        fail(f"expected shape {tuple(expected.shape)}, got {tuple(got.shape)}", hint)
    g, e = got.to(torch.float64), expected.to(torch.float64)
    if torch.allclose(g, e, atol=atol, rtol=rtol):
        return answer
    for value, why in mistakes:
        v = torch.as_tensor(value).detach().cpu().to(torch.float64)
        if v.shape == g.shape and torch.allclose(g, v, atol=atol, rtol=rtol):
            fail(f"values differ from the expected ones: {why}", hint)
    fail(f"values differ from the expected ones: {diagnose_tensor(g, e, atol, rtol, n)}", hint)
