"""Checks for chapter 16, convolutions."""

import torch

from . import CheckFailed, exercise, expect_equal, expect_pair, expect_tensor


def _as_tuple(shape):
    if isinstance(shape, (torch.Size, list)):
        shape = tuple(shape)
    if not isinstance(shape, tuple):
        raise CheckFailed(f"expected a tuple of integers, got {type(shape).__name__}")
    return tuple(int(s) for s in shape)


def _corr2d(X, K):
    h, w = K.shape
    return torch.stack([torch.stack([(X[i:i + h, j:j + w] * K).sum() for j in range(X.shape[1] - w + 1)])
                        for i in range(X.shape[0] - h + 1)])


@exercise("16.1", points=2, title="an output shape by hand")
def _(shape):
    expect_equal(_as_tuple(shape), (4, 8, 15, 15),
                 hint="(32 - 5 + 2*1) // 2 + 1 = 15 per side; the channels become 8, the batch stays 4")


@exercise("16.2", points=2, title="a cross-correlation by hand")
def _(Y):
    X = torch.tensor([[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 3.0, 1.0], [2.0, 0.0, 1.0, 2.0]])
    K = torch.tensor([[1.0, 0.0], [-1.0, 2.0]])
    expect_tensor(Y, shape=(2, 3), values=_corr2d(X, K), atol=1e-5,
                  hint="output size (3-2+1) x (4-2+1); each entry sums the 2x2 window times K (no flip)")


@exercise("16.3", points=2, title="what a 1x1 convolution saves")
def _(counts):
    counts = expect_pair(counts, "(direct, bottleneck)")
    expect_equal((int(counts[0]), int(counts[1])), (614528, 108704),
                 hint="nn.Conv2d(c_i, c_o, k) has c_o*c_i*k*k weights plus c_o biases")


@exercise("16.4", points=1, title="max pooling with stride 1")
def _(M):
    expect_tensor(M, shape=(2, 2), values=[[5.0, 5.0], [7.0, 6.0]],
                  hint="four overlapping 2x2 windows: top-left, top-right, bottom-left, bottom-right")


@exercise("16.5", points=2, title="a kernel for horizontal edges")
def _(K_h):
    expect_tensor(K_h, hint="a 2-D tensor such as [[a], [b]]")
    if K_h.ndim != 2:
        raise CheckFailed(f"expected a 2-D kernel, got {K_h.ndim} dimensions")
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    Xt = X.t()
    if K_h.shape[0] > Xt.shape[0] or K_h.shape[1] > Xt.shape[1]:
        raise CheckFailed(f"a kernel of shape {tuple(K_h.shape)} does not fit the 8x6 image")
    expected = _corr2d(Xt, torch.tensor([[1.0], [-1.0]]))
    got = _corr2d(Xt, K_h.detach().float().cpu())
    if got.shape != expected.shape or not torch.allclose(got, expected, atol=1e-5):
        raise CheckFailed("the kernel does not give +1 / -1 exactly on the horizontal edges and 0 elsewhere. "
                          "Hint: transpose the vertical-edge kernel [[1, -1]]")


@exercise("16.6", points=1, title="the layer's weight shape")
def _(wshape):
    expect_equal(_as_tuple(wshape), (32, 16, 3, 5), hint="(out channels, in channels, kernel height, kernel width)")
