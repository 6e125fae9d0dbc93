"""Checks for chapter 18, AlexNet."""

import torch

from . import CheckFailed, exercise, expect_equal, expect_pair, expect_tensor


def _shape_tuple(s):
    if isinstance(s, (torch.Size, list, tuple)):
        return tuple(int(v) for v in s)
    raise CheckFailed(f"expected a shape such as (96, 54, 54), got {s!r}")


@exercise("18.1", points=1, title="the first layer's output, by hand")
def _(shapes):
    shapes = expect_pair(shapes, "(shape after the convolution, shape after the pooling)")
    got = tuple(_shape_tuple(s) for s in shapes)
    expect_equal(got, ((96, 54, 54), (96, 26, 26)),
                 hint="floor((224 - 11 + 2*1) / 4) + 1 = 54, then floor((54 - 3) / 2) + 1")


@exercise("18.2", points=2, title="where the parameters are")
def _(n_fc):
    expected = (6400 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 10 + 10)
    expect_equal(int(n_fc), expected,
                 hint="a Linear(m, n) layer has m*n weights and n biases; 256*5*5 = 6400 inputs")


@exercise("18.3", points=2, title="dropout from scratch")
def _(Y):
    X = torch.arange(12.0).reshape(3, 4)
    mask = torch.tensor([[1, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 1]], dtype=torch.bool)
    expect_tensor(Y, shape=(3, 4), values=X * mask / 0.75, atol=1e-5,
                  hint="kept units are divided by 1 - p = 0.75, dropped ones are 0")


@exercise("18.4", points=1, title="augmentation that preserves the label")
def _(safe):
    if not isinstance(safe, (list, tuple)):
        raise CheckFailed("expected a list of names, e.g. ['hflip']")
    expect_equal(sorted(safe), ["hflip", "shift2"],
                 hint="Fashion-MNIST items are always upright, and always light on a dark background")


@exercise("18.5", points=2, title="a lite AlexNet's shapes")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"sides", "flat"}:
        raise CheckFailed("expected a dict with keys 'sides' and 'flat'")
    expect_equal([int(v) for v in answer["sides"]], [13, 6, 2],
                 hint="each 3x3 stride-2 pooling maps n to floor((n - 3) / 2) + 1; the convolutions keep the size")
    expect_equal(int(answer["flat"]), 64 * 2 * 2, hint="channels × height × width after the last pooling")
