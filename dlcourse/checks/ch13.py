"""Checks for chapter 13, model selection, under- and over-fitting, weight decay."""

import math

import torch

from . import exercise, expect_close, expect_equal, expect_tensor, fail


@exercise("13.1", points=1, title="a validation fold")
def _(valid_idx):
    if isinstance(valid_idx, torch.Tensor):
        valid_idx = valid_idx.tolist()
    if not isinstance(valid_idx, (list, tuple)):
        fail(f"expected a list of integers, got {type(valid_idx).__name__}")
    expect_equal(list(valid_idx), [4, 5],
                 mistakes=[([2, 3], "that is the fold before: count the folds from 0"),
                           ([6, 7], "that is the fold after: count the folds from 0")],
                 hint="each fold is a block of fold_size consecutive indices; fold 0 starts at index 0")


@exercise("13.2", points=1, title="the weight-decay penalty")
def _(penalty):
    expect_close(penalty, 6.25, atol=1e-5,
                 mistakes=[(1.25, "that uses the norm of w, not its square")],
                 hint="the penalty is λ/2 times the *squared* L2 norm of w")


@exercise("13.3", points=2, title="polynomial features")
def _(P):
    x = torch.tensor([1.0, 2.0]).reshape(-1, 1)
    expected = torch.cat([x ** i / math.factorial(i) for i in range(4)], dim=1)
    expect_tensor(P, shape=(2, 4), values=expected, atol=1e-5,
                  mistakes=[(torch.cat([x ** i for i in range(4)], dim=1), "the powers are not divided by the "
                                                                          "factorials")],
                  hint="raise a column of the inputs to the powers 0 to 3 by broadcasting, then divide each column "
                       "by its factorial")


@exercise("13.4", points=2, title="one step of weight decay")
def _(w_new):
    w0, g = torch.tensor([1.0, -2.0]), torch.tensor([0.5, 0.5])
    expect_tensor(w_new, shape=(2,), values=[0.75, -1.65], atol=1e-5,
                  mistakes=[(w0 - 0.1 * g, "the step ignored the weight decay"),
                            (w0 - 0.1 * g - 2.0 * w0, "the decay term must be scaled by the learning rate too")],
                  hint="weight decay adds λ·w to the gradient before the step")


@exercise("13.5", points=1, title="what λ does")
def _(answer):
    if not isinstance(answer, str):
        fail("expected a letter as a string, e.g. 'a'")
    expect_equal(answer.strip().lower().strip("()"), "b",
                 hint="look at the slider's plots again: what does a larger penalty do to the weights, and to the "
                      "training loss?")


def _decay(d):
    g = torch.Generator().manual_seed(d.seed(default=13))
    n, dim = 20, 5
    X = torch.randn(n, dim, generator=g)
    y = X @ torch.randn(dim, generator=g) + 0.1 * torch.randn(n, generator=g)
    return {"X": X, "y": y, "lam": d.uniform(0.5, 3.0, default=1.0), "lr": d.uniform(0.02, 0.06, default=0.05),
            "steps": d.integer(20, 60, default=40)}


def _descend(p, lam_factor=1.0, lr_on_decay=True):
    w = torch.zeros(p.X.shape[1])
    for _ in range(p.steps):
        grad = 2 * p.X.T @ (p.X @ w - p.y) / len(p.y)
        decay = lam_factor * p.lam * w
        w = w - p.lr * (grad + decay) if lr_on_decay else w - p.lr * grad - decay
    return w


@exercise("13.6", points=2, title="weight decay from scratch", params=_decay)
def _(w, p):
    expect_tensor(w, shape=(p.X.shape[1],), values=_descend(p), atol=1e-4,
                  mistakes=[(_descend(p, 0.0), "the weights were not decayed: the penalty's gradient is missing"),
                            (_descend(p, 2.0), "the decay is twice too strong: the gradient of (λ/2)‖w‖² is λw"),
                            (_descend(p, 0.5), "the decay is half as strong as it should be: the gradient of "
                                               "(λ/2)‖w‖² is λw")],
                  hint="each step: the gradient of the mean squared error plus the gradient of the penalty, then "
                       "w ← w − lr · (their sum); start from zeros")
