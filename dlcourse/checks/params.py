"""Exercise parameters: the inputs of an exercise whose point is a procedure (a seed, a starting point, a split).

``dl.exercise_params("06.2")`` gives them. In the learner's own notebook they are the defaults the exercise
text names, so the notebook is deterministic. Under the instructor's grader (``dlcourse grade``) each
submission gets fresh ones: the grader derives a seed from a secret and the submission's hash, passes it into
the sandbox (``DLCOURSE_EXERCISE_SEED``) and judges the recorded answers with parameters drawn from the same
seed. A number copied from the solution notebook, the website or a classmate then fails, while the learner's
own code, re-run on the new parameters, passes.

An exercise declares its parameters with a function of a :class:`Draw`, e.g.::

    def _params(d):
        return dict(w0=d.uniform(-3, 0, default=1.0), lr=d.uniform(0.002, 0.004, default=0.003, digits=4))

Keys that start with ``_`` are hidden: the check and the probe see them, ``dl.exercise_params`` does not.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import secrets

ENV_SEED = "DLCOURSE_EXERCISE_SEED"        # set by the grader in the sandbox: this submission's seed
ENV_SECRET = "DLCOURSE_GRADING_SECRET"     # optional: the instructor's secret (else one per grading run)
_RUN_SECRET = secrets.token_hex(16)


class Params(dict):
    """An exercise's parameters: a dict whose keys can also be read as attributes (``p.lr``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"this exercise has no parameter {name!r}; it has {', '.join(self)}") from None

    def public(self) -> Params:
        return Params({k: v for k, v in self.items() if not k.startswith("_")})


class Draw:
    """Draws parameters: the ``default`` of each in the learner's notebook, a fresh value under the grader.

    A fresh value is never the default, so an answer computed for the defaults cannot pass by chance.
    """

    def __init__(self, rng: random.Random | None):
        self.rng = rng

    @property
    def fresh(self) -> bool:
        """True under the grader (fresh parameters), False in the learner's notebook (the defaults)."""
        return self.rng is not None

    def uniform(self, lo: float, hi: float, *, default: float, digits: int = 2, gap: float = 0.0) -> float:
        """A number in ``[lo, hi]`` rounded to ``digits``; a fresh one at least ``gap`` away from the default."""
        if self.rng is None:
            return default
        while True:
            v = round(self.rng.uniform(lo, hi), digits)
            if v != default and abs(v - default) >= gap:
                return v

    def integer(self, lo: int, hi: int, *, default: int) -> int:
        """An integer in ``[lo, hi]`` (both included)."""
        return self.choice(range(lo, hi + 1), default=default)

    def choice(self, options, *, default):
        if self.rng is None:
            return default
        options = [o for o in options if o != default] or list(options)
        return self.rng.choice(options)

    def sample(self, options, k: int, *, default):
        """``k`` distinct options, sorted; fresh draws differ from ``default`` as a set."""
        if self.rng is None:
            return list(default)
        while True:
            v = sorted(self.rng.sample(list(options), k))
            if set(v) != set(default):
                return v

    def seed(self, *, default: int = 0) -> int:
        """A seed for ``torch.Generator().manual_seed`` (or ``dl.set_seed``)."""
        if self.rng is None:
            return default
        while True:
            v = self.rng.randrange(1, 2**31)
            if v != default:
                return v


def current_seed() -> str | None:
    """This kernel's exercise seed: the grader's (``DLCOURSE_EXERCISE_SEED``), or None for the defaults."""
    return os.environ.get(ENV_SEED) or None


def submission_seed(submission_id: str) -> str:
    """The seed the grader uses for one submission: an HMAC of its id (e.g. the file's SHA-256) under a secret.

    The secret is ``DLCOURSE_GRADING_SECRET`` when the instructor sets it (then a re-grade draws the same
    parameters), else a random one per grading run. The secret itself never enters the sandbox.
    """
    key = os.environ.get(ENV_SECRET) or _RUN_SECRET
    return hmac.new(key.encode(), submission_id.encode(), hashlib.sha256).hexdigest()[:24]


def draw(fn, key: str, seed: str | None) -> Params:
    """Call an exercise's parameter function for ``seed`` (None: the defaults)."""
    rng = None if seed is None else random.Random(f"{seed}/{key}")
    values = fn(Draw(rng))
    clash = sorted(k for k in values if hasattr(dict, k))
    if clash:  # p.values would be the dict method, not the parameter
        raise ValueError(f"exercise {key}: parameter names {clash} clash with dict methods")
    return Params(values)
