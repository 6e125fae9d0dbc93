"""Checks for chapter 16, convolutions."""

import torch

from . import exercise, expect_equal, expect_pair, expect_tensor, fail
from .probes import need_callable

OUTPUT_SIZE = "apply ⌊(n − k + 2p)/s⌋ + 1 to each side"


def _corr2d(X, K):
    h, w = K.shape
    return torch.stack([torch.stack([(X[i:i + h, j:j + w] * K).sum() for j in range(X.shape[1] - w + 1)])
                        for i in range(X.shape[0] - h + 1)])


@exercise("16.1", points=2, title="an output shape by hand")
def _(shape):
    expect_equal(shape, (4, 8, 15, 15),
                 hint=f"{OUTPUT_SIZE}; the channels come from the layer, the batch size stays as it is")


def _images(d):
    """Inputs the learner's corr2d has not seen: two images and kernels of other sizes."""
    g = torch.Generator().manual_seed(d.seed(default=16))
    shapes = [((d.integer(4, 7, default=5), d.integer(4, 7, default=6)), (2, 3)), ((6, 5), (3, 2))]
    return {"_pairs": [(torch.randint(-3, 4, xs, generator=g).float(), torch.randint(-2, 3, ks, generator=g).float())
                       for xs, ks in shapes]}


def _probe_162(answer, p):
    f = need_callable(answer, "your function `corr2d`")
    return [torch.as_tensor(f(X.clone(), K.clone())).detach().float() for X, K in p._pairs]


@exercise("16.2", points=2, title="a cross-correlation by hand", params=_images, probe=_probe_162,
          wants="your function `corr2d` itself")
def _(outs, p):
    for (X, K), Y in zip(p._pairs, outs):
        expect_tensor(Y, shape=(X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1), values=_corr2d(X, K),
                      atol=1e-4,
                      mistakes=[(_corr2d(X, K.flip(0, 1)), "the kernel was flipped: that is a convolution in the "
                                                          "mathematical sense; cross-correlation uses K as it is")],
                      hint="the kernel slides over every position where it fits entirely (no padding, stride 1); "
                           "each output sums the window times the kernel")


@exercise("16.3", points=2, title="what a 1x1 convolution saves")
def _(counts):
    direct, bottleneck = expect_pair(counts, "(direct, bottleneck)")
    expect_equal([direct, bottleneck], [614528, 108704],
                 mistakes=[([614400, 108544], "those are the weights only: every output channel also has a bias")],
                 hint="nn.Conv2d(c_i, c_o, k) has one k×k kernel per (input, output) channel pair, plus a bias per "
                      "output channel")


@exercise("16.4", points=1, title="max pooling with stride 1")
def _(M):
    expect_tensor(M, shape=(2, 2), values=[[5.0, 5.0], [7.0, 6.0]],
                  hint="four overlapping 2×2 windows, each moved by one position from the last")


@exercise("16.5", points=2, title="a kernel for horizontal edges")
def _(K_h):
    expect_tensor(K_h, hint="a 2-D tensor of the form [[a], [b]] or [[a, b]]")
    if K_h.ndim != 2:
        fail(f"expected a 2-D kernel, got {K_h.ndim} dimensions")
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    Xt = X.t()
    if K_h.shape[0] > Xt.shape[0] or K_h.shape[1] > Xt.shape[1]:
        fail(f"a kernel of shape {tuple(K_h.shape)} does not fit the 8×6 image")
    expected = _corr2d(Xt, torch.tensor([[1.0], [-1.0]]))
    got = _corr2d(Xt, K_h.detach().float().cpu())
    hint = "the kernel [[1, -1]] compares each pixel with its right-hand neighbour; compare it with the pixel below"
    if got.shape == expected.shape and torch.allclose(got, -expected, atol=1e-5):
        fail("the kernel finds the horizontal edges, but with the signs flipped", hint)
    if got.shape != expected.shape or not torch.allclose(got, expected, atol=1e-5):
        fail("the kernel does not give +1 and −1 exactly on the horizontal edges and 0 elsewhere", hint)


@exercise("16.6", points=1, title="the layer's weight shape")
def _(wshape):
    expect_equal(wshape, (32, 16, 3, 5),
                 hint="the weight holds one kernel for every (output channel, input channel) pair; print some "
                      "layer's weight.shape to see the order of its dimensions")
