"""Checks for chapter 21, GoogLeNet and residual connections."""

import torch
from torch import nn
from torch.nn import functional as F

from . import exercise, expect_equal, expect_pair, expect_tensor


def _pair(answer, what):
    answer = expect_pair(answer, f"{what}")
    return tuple(int(v) for v in answer)


@exercise("21.1", points=1, title="channel arithmetic")
def _(channels):
    expect_equal(_pair(channels, "(first, second)"), (512, 1024),
                 hint="the output channels are c1 + c2[1] + c3[1] + c4")


@exercise("21.2", points=2, title="what a 1x1 reduction saves")
def _(counts):
    expect_equal(_pair(counts, "(n_direct, n_reduced)"),
                 (25 * 480 * 48 + 48, (480 * 16 + 16) + (25 * 16 * 48 + 48)),
                 hint="Conv2d(i, o, k) has k*k*i*o weights and o biases")


@exercise("21.3", points=2, title="the correct residual block")
def _(Y):
    torch.manual_seed(0)
    conv1 = nn.Conv2d(2, 2, kernel_size=3, padding=1)
    conv2 = nn.Conv2d(2, 2, kernel_size=3, padding=1)
    x = torch.linspace(-1, 1, 2 * 2 * 4 * 4).reshape(2, 2, 4, 4)
    with torch.no_grad():
        expected = F.relu(x + conv2(F.relu(conv1(x))))
    expect_tensor(Y, shape=(2, 2, 4, 4), values=expected, atol=1e-5,
                  hint="y = relu(conv1(x)); y = conv2(y) (not conv2(x)); return relu(x + y)")


@exercise("21.4", points=2, title="the MNIST networks on 32x32 images")
def _(flat):
    expect_equal(_pair(flat, "(inception_net, residual_net)"), (88 * 25, 32 * 25),
                 hint="32 -> 28 (conv 5x5) -> 14 (pool) -> 10 (conv 5x5) -> 5 (pool)")
