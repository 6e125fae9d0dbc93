"""Checks for chapter 14, dropout and numerical stability."""

import math

import torch

from . import exercise, expect_close, expect_int, expect_tensor

H = torch.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
KEEP = torch.tensor([[1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]])


@exercise("14.1", points=2, title="dropout with a given mask")
def _(H_drop):
    expect_tensor(H_drop, shape=(2, 4), values=KEEP * H / 0.75, atol=1e-5,
                  mistakes=[(KEEP * H, "the kept values were not rescaled"),
                            (KEEP * H / 0.25, "the kept values were divided by p, the probability of dropping")],
                  hint="zero the dropped values and scale the kept ones so that each value's expectation over the "
                       "random masks stays what it was")


@exercise("14.2", points=1, title="dropout at test time")
def _(out):
    expect_tensor(out, shape=(6,), values=torch.arange(6.0), atol=1e-6,
                  hint="a module's mode (training or evaluation) changes what dropout does: set the mode first")


@exercise("14.3", points=1, title="the Xavier-uniform bound")
def _(a):
    expect_close(a, math.sqrt(6 / 1040), atol=1e-6,
                 mistakes=[(math.sqrt(2 / 1040), "that is the standard deviation of Xavier's *normal* "
                                                 "initialisation, not the bound of the uniform one")],
                 hint="Xavier picks the variance of the weights from fan_in and fan_out; find the a for which "
                      "U(−a, a) has that variance")


@exercise("14.4", points=2, title="clipping by the global norm")
def _(clipped):
    expect_tensor(clipped, shape=(4,), values=[1.2, 0.0, 0.0, 1.6], atol=1e-5,
                  mistakes=[([2.0, 0.0, 0.0, 2.0], "each gradient was clipped on its own: clip them together, by "
                                                   "the norm of all of them at once")],
                  hint="one norm over all the gradients together; if it exceeds θ, scale every gradient by the same "
                       "factor")


@exercise("14.5", points=1, title="digits of 1.5^100")
def _(digits):
    expect_int(digits, 18, what="a number of digits",
               hint="log10 counts digits: a number with d digits lies between 10^(d−1) and 10^d")
