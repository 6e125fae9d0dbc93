"""Checks for chapter 06, gradient descent and SGD."""

import torch

from . import exercise, expect_close, expect_pair, expect_tensor

XS = torch.tensor([1.0, 2.0, 3.0])
YS = torch.tensor([2.0, 4.0, 6.0])


@exercise("06.1", points=1, title="one gradient by hand")
def _(grad):
    expect_close(grad, -28 / 3, atol=1e-4,
                 hint="mean over the three points of 2·x·(w·x − y), at w = 1; it is negative, so w should grow")


@exercise("06.2", points=2, title="one hundred steps")
def _(w):
    ref = 1.0
    for _ in range(100):
        ref = ref - 0.05 * (2 * XS * (ref * XS - YS)).mean().item()
    expect_close(w, ref, atol=1e-4, hint="w = w − 0.05 · gradient, repeated 100 times, starting from w = 1")


@exercise("06.3", points=2, title="where training diverges")
def _(lr_max):
    expect_close(lr_max, 3 / 14, atol=1e-3,
                 hint="one step multiplies (w − 2) by c = 1 − lr·28/3; it converges while |c| < 1")


@exercise("06.4", points=2, title="smoothing a loss curve")
def _(smooth):
    losses = [4.0, 1.0, 3.0, 0.5, 2.0, 0.2, 1.0, 0.1]
    ref, s = [], losses[0]
    for v in losses:
        s = 0.3 * v + 0.7 * s
        ref.append(s)
    expect_tensor(smooth, shape=(8,), values=ref, atol=1e-5,
                  hint="s starts at the first loss; then s = a·loss + (1 − a)·s for every loss, a = 0.3")


@exercise("06.5", points=3, title="mini-batch SGD for a line")
def _(answer):
    answer = expect_pair(answer, "(w, b)")
    w, b = (float(v) for v in answer)
    expect_close(w, 3.0, atol=0.15, hint="shuffle every epoch, step on each batch of 10; 30 epochs at lr 0.05")
    expect_close(b, -1.0, atol=0.15, hint="the bias gradient is the mean of 2·(ŷ − y)")
