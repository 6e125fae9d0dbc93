"""Checks for chapter 14, dropout and numerical stability."""

import math

import torch

from . import CheckFailed, exercise, expect_close, expect_equal, expect_tensor


@exercise("14.1", points=2, title="dropout with a given mask")
def _(H_drop):
    H = torch.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    keep = torch.tensor([[1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]])
    expect_tensor(H_drop, shape=(2, 4), values=keep * H / 0.75, atol=1e-5,
                  hint="zero the dropped values and divide the kept ones by 1 - p")


@exercise("14.2", points=1, title="dropout at test time")
def _(out):
    expect_tensor(out, shape=(6,), values=torch.arange(6.0), atol=0,
                  hint="in eval mode nn.Dropout is the identity: call drop.eval() first")


@exercise("14.3", points=1, title="the Xavier-uniform bound")
def _(a):
    expect_close(a, math.sqrt(6 / 1040), atol=1e-6, hint="a = sqrt(6 / (fan_in + fan_out))")


@exercise("14.4", points=2, title="clipping by the global norm")
def _(clipped):
    expect_tensor(clipped, shape=(4,), values=[1.2, 0.0, 0.0, 1.6], atol=1e-5,
                  hint="the global norm is sqrt(3² + 4²) = 5; scale both gradients by θ / 5")


@exercise("14.5", points=1, title="digits of 1.5^100")
def _(digits):
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise CheckFailed(f"expected an integer, got {type(digits).__name__}")
    expect_equal(digits, 18, hint="the number of digits of N is floor(log10 N) + 1")
