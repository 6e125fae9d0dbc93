"""Checks for chapter 21, GoogLeNet and residual connections."""

import torch
from torch import nn
from torch.nn import functional as F

from . import exercise, expect_equal, expect_pair, expect_tensor
from .probes import need_class, run

SIDES = "follow the side length through the layers with ⌊(n − k + 2p)/s⌋ + 1, then multiply by the channels"


@exercise("21.1", points=1, title="channel arithmetic")
def _(channels):
    first, second = expect_pair(channels, "(first, second)")
    expect_equal([first, second], [512, 1024],
                 hint="the four branches' outputs are concatenated along the channels")


@exercise("21.2", points=2, title="what a 1x1 reduction saves")
def _(counts):
    direct, reduced = expect_pair(counts, "(n_direct, n_reduced)")
    expect_equal([direct, reduced], [25 * 480 * 48 + 48, (480 * 16 + 16) + (25 * 16 * 48 + 48)],
                 hint="Conv2d(i, o, k) has a k×k kernel per (input, output) channel pair and a bias per output")


def _block_inputs(d):
    g = torch.Generator().manual_seed(d.seed(default=21))
    c = d.integer(2, 4, default=3)
    return {"_channels": c, "_x": torch.randn(2, c, 5, 5, generator=g),
            "_weights": {name: 0.5 * torch.randn(shape, generator=g) for name, shape in
                         (("conv1.weight", (c, c, 3, 3)), ("conv1.bias", (c,)), ("conv2.weight", (c, c, 3, 3)),
                          ("conv2.bias", (c,)))}}


def _probe_213(answer, p):
    cls = need_class(answer, nn.Module, "your block class `ResidualBlock`")
    block = cls(p._channels)
    block.load_state_dict(p._weights)
    return run(block, p._x)


@exercise("21.3", points=2, title="the correct residual block", params=_block_inputs, probe=_probe_213,
          wants="your block class `ResidualBlock` itself")
def _(Y, p):
    x, w = p._x, p._weights

    def conv(name, t):
        return F.conv2d(t, w[f"{name}.weight"], w[f"{name}.bias"], padding=1)

    expect_tensor(Y, shape=tuple(x.shape), values=F.relu(x + conv("conv2", F.relu(conv("conv1", x)))), atol=1e-4,
                  mistakes=[(F.relu(x + conv("conv2", x)), "conv2 was applied to x (the notes' mistake): it takes "
                                                            "the output of conv1 and its ReLU"),
                            (F.relu(x + F.relu(conv("conv2", F.relu(conv("conv1", x))))),
                             "there is a ReLU after conv2: the block adds conv2's output, negative values "
                             "included, to x, and applies the ReLU after the sum"),
                            (x + conv("conv2", F.relu(conv("conv1", x))), "the ReLU after the sum is missing")],
                  hint="conv1, ReLU, conv2, add the input x, and only then the last ReLU")


@exercise("21.4", points=2, title="the MNIST networks on 32x32 images")
def _(flat):
    inception, residual = expect_pair(flat, "(inception_net, residual_net)")
    expect_equal([inception, residual], [88 * 25, 32 * 25], hint=SIDES)
