"""Checks for chapter 22, batch normalisation."""

import torch

from . import exercise, expect_equal, expect_pair, expect_tensor, fail
from .probes import need_callable

_X = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]])


def _running_stats():
    return 0.1 * _X.mean(dim=0), 0.9 + 0.1 * _X.var(dim=0, unbiased=True)


def _batches(d):
    g = torch.Generator().manual_seed(d.seed(default=22))
    return {"_X": [3 * torch.randn(d.integer(3, 8, default=4), d.integer(2, 5, default=3), generator=g) + 1
                   for _ in range(2)]}


def _probe_221(answer, p):
    f = need_callable(answer, "your function `batch_norm`")
    return [torch.as_tensor(f(X.clone())).detach().float() for X in p._X]


def _bn(X, unbiased=False, dim=0):
    mean = X.mean(dim=dim, keepdim=True)
    var = X.var(dim=dim, unbiased=unbiased, keepdim=True)
    return (X - mean) / torch.sqrt(var + 1e-5)


@exercise("22.1", points=2, title="normalise a batch by hand", params=_batches, probe=_probe_221,
          wants="your function `batch_norm` itself")
def _(outs, p):
    for X, Y in zip(p._X, outs):
        expect_tensor(Y, shape=tuple(X.shape), values=_bn(X), atol=1e-4,
                      mistakes=[(_bn(X, unbiased=True), "the variance divides by n − 1: batch norm uses the biased "
                                                        "variance (divide by n)"),
                                (_bn(X, dim=1), "each example (row) was normalised: batch norm normalises each "
                                                "feature (column) over the batch")],
                      hint="per feature: subtract the batch mean, divide by the square root of the batch variance "
                           "plus eps")


@exercise("22.2", points=1, title="which axes for a convolution")
def _(dims):
    if not isinstance(dims, (list, tuple)):
        fail(f"expected a tuple of integers, got {type(dims).__name__}")
    expect_equal(sorted(dims), [0, 2, 3],
                 hint="batch norm keeps one mean per channel: which dimensions does it average away?")


@exercise("22.3", points=1, title="what a BatchNorm2d layer stores")
def _(counts):
    learnable, running = expect_pair(counts, "(learnable, running)")
    expect_equal([learnable, running], [32, 32],
                 hint="list the layer's named_parameters() and named_buffers(), and count the numbers in them "
                      "(num_batches_tracked is neither)")


@exercise("22.4", points=2, title="the running statistics after one step")
def _(stats):
    rm, rv = _running_stats()
    expect_tensor(stats, shape=(2, 2), values=torch.stack([rm, rv]), atol=1e-4,
                  mistakes=[(torch.stack([rm, 0.9 + 0.1 * _X.var(dim=0, unbiased=False)]),
                             "the running variance used the biased variance: PyTorch updates it with the unbiased "
                             "one"),
                            (torch.stack([0.9 * _X.mean(dim=0), 0.1 + 0.9 * _X.var(dim=0, unbiased=True)]),
                             "the weights are swapped: the batch statistic gets the weight momentum = 0.1")],
                  hint="each running statistic moves the fraction `momentum` of the way from its old value toward "
                       "the batch's")


@exercise("22.5", points=2, title="evaluation mode")
def _(y_eval):
    rm, rv = _running_stats()
    x = torch.tensor([[2.0, 3.0]])
    expect_tensor(y_eval, shape=(1, 2), values=(x - rm) / torch.sqrt(rv + 1e-5), atol=1e-4,
                  hint="in evaluation mode the layer uses its running statistics, not statistics of its input")
