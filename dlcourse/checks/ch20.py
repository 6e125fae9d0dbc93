"""Checks for chapter 20, Network in Network."""

import math

import torch

from . import CheckFailed, exercise, expect_close, expect_equal, expect_tensor


@exercise("20.1", points=1, title="global average pooling by hand")
def _(G):
    X = torch.arange(96.0).reshape(2, 3, 4, 4)
    expect_tensor(G, shape=(2, 3), values=X.mean(dim=(2, 3)), atol=1e-5,
                  hint="average over the last two dimensions (height and width)")


@exercise("20.2", points=1, title="the loss of a dead NiN")
def _(dead_loss):
    expect_close(float(dead_loss), math.log(10), atol=1e-4,
                 hint="equal scores give probability 1/10 to every class; the loss is -log(1/10)")


@exercise("20.3", points=2, title="NiN's classifier against AlexNet's")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"n_nin_head", "ratio"}:
        raise CheckFailed("expected a dict with keys 'n_nin_head' and 'ratio'")
    n = (384 * 10 * 9 + 10) + 2 * (10 * 10 + 10)
    expect_equal(int(answer["n_nin_head"]), n, hint="Conv2d(i, o, k) has k*k*i*o weights and o biases")
    expect_equal(int(answer["ratio"]), round(43_040_778 / n), hint="43,040,778 divided by your count, rounded")


@exercise("20.4", points=2, title="NiN on 96x96 images")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"sides", "works"}:
        raise CheckFailed("expected a dict with keys 'sides' and 'works'")
    expect_equal([int(v) for v in answer["sides"]], [10, 4, 1],
                 hint="(96 - 11) // 4 + 1 = 22; each pooling maps n to (n - 3) // 2 + 1")
    expect_equal(bool(answer["works"]), True, hint="a 1x1 map is still a valid input for a 3x3 conv with padding 1")
