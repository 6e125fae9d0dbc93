"""Checks for chapter 22, batch normalisation."""

import torch

from . import CheckFailed, exercise, expect_equal, expect_pair, expect_tensor

_X = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]])


def _running_stats():
    return 0.1 * _X.mean(dim=0), 0.9 + 0.1 * _X.var(dim=0, unbiased=True)


@exercise("22.1", points=2, title="normalise a batch by hand")
def _(Y):
    mean = _X.mean(dim=0)
    var = ((_X - mean) ** 2).mean(dim=0)
    expect_tensor(Y, shape=(3, 2), values=(_X - mean) / torch.sqrt(var + 1e-5), atol=1e-4,
                  hint="per column: subtract the column mean, divide by sqrt(biased variance + eps)")


@exercise("22.2", points=1, title="which axes for a convolution")
def _(dims):
    if isinstance(dims, list):
        dims = tuple(dims)
    if not isinstance(dims, tuple):
        raise CheckFailed(f"expected a tuple of integers, got {type(dims).__name__}")
    expect_equal(tuple(sorted(int(d) for d in dims)), (0, 2, 3),
                 hint="one mean per channel (dimension 1), over the examples and all positions")


@exercise("22.3", points=1, title="what a BatchNorm2d layer stores")
def _(counts):
    counts = expect_pair(counts, "(learnable, running)")
    expect_equal((int(counts[0]), int(counts[1])), (32, 32),
                 hint="gamma and beta have one entry per channel; so do running_mean and running_var")


@exercise("22.4", points=2, title="the running statistics after one step")
def _(stats):
    rm, rv = _running_stats()
    expect_tensor(stats, shape=(2, 2), values=torch.stack([rm, rv]), atol=1e-4,
                  hint="running = 0.9 * old + 0.1 * batch statistic; the variance is the unbiased one (n - 1)")


@exercise("22.5", points=2, title="evaluation mode")
def _(y_eval):
    rm, rv = _running_stats()
    x = torch.tensor([[2.0, 3.0]])
    expect_tensor(y_eval, shape=(1, 2), values=(x - rm) / torch.sqrt(rv + 1e-5), atol=1e-4,
                  hint="in eval mode the layer uses running_mean and running_var, not the statistics of x")
