"""Checks for chapter 13, model selection, under- and over-fitting, weight decay."""

import math

import torch

from . import CheckFailed, exercise, expect_close, expect_equal, expect_tensor


@exercise("13.1", points=1, title="a validation fold")
def _(valid_idx):
    if isinstance(valid_idx, torch.Tensor):
        valid_idx = valid_idx.tolist()
    if not isinstance(valid_idx, (list, tuple)):
        raise CheckFailed(f"expected a list of integers, got {type(valid_idx).__name__}")
    expect_equal([int(i) for i in valid_idx], [4, 5], hint="fold i covers indices i*fold_size … (i+1)*fold_size - 1")


@exercise("13.2", points=1, title="the weight-decay penalty")
def _(penalty):
    expect_close(penalty, 6.25, atol=1e-5, hint="λ/2 · (3² + 4²)")


@exercise("13.3", points=2, title="polynomial features")
def _(P):
    x = torch.tensor([1.0, 2.0]).reshape(-1, 1)
    expected = torch.cat([x ** i / math.factorial(i) for i in range(4)], dim=1)
    expect_tensor(P, shape=(2, 4), values=expected, atol=1e-5,
                  hint="column i is x**i / i!: [1, x, x²/2, x³/6]")


@exercise("13.4", points=2, title="one step of weight decay")
def _(w_new):
    expect_tensor(w_new, shape=(2,), values=[0.75, -1.65], atol=1e-5,
                  hint="w ← (1 − ηλ) w − η g")


@exercise("13.5", points=1, title="what λ does")
def _(answer):
    if not isinstance(answer, str):
        raise CheckFailed("expected a letter as a string, e.g. 'a'")
    expect_equal(answer.strip().lower().strip("()"), "b",
                 hint="a larger penalty makes the weights smaller; the training loss rises with λ")
