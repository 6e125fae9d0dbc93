"""Checks for chapter 20, Network in Network."""

import math

import torch

from . import exercise, expect_close, expect_equal, expect_int, expect_tensor, fail


@exercise("20.1", points=1, title="global average pooling by hand")
def _(G):
    X = torch.arange(96.0).reshape(2, 3, 4, 4)
    expect_tensor(G, shape=(2, 3), values=X.mean(dim=(2, 3)), atol=1e-5, n=16,
                  hint="one mean per image and channel, over all the positions of its map")


@exercise("20.2", points=1, title="the loss of a dead NiN")
def _(dead_loss):
    expect_close(dead_loss, math.log(10), atol=1e-4,
                 mistakes=[(1.0, "that is a base-10 logarithm: the cross-entropy uses the natural log")],
                 hint="equal scores: what probability does the softmax give each of the 10 classes?")


@exercise("20.3", points=2, title="NiN's classifier against AlexNet's")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"n_nin_head", "ratio"}:
        fail("expected a dict with keys 'n_nin_head' and 'ratio'")
    n = (384 * 10 * 9 + 10) + 2 * (10 * 10 + 10)
    expect_int(answer["n_nin_head"], n, label="n_nin_head",
               hint="Conv2d(i, o, k) has a k×k kernel per (input, output) channel pair and a bias per output")
    expect_int(answer["ratio"], round(43_040_778 / n), label="ratio",
               hint="43,040,778 divided by your count, rounded to a whole number")


@exercise("20.4", points=2, title="NiN on 96x96 images")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"sides", "works"}:
        fail("expected a dict with keys 'sides' and 'works'")
    expect_equal(answer["sides"], [10, 4, 1],
                 hint="⌊(n − k + 2p)/s⌋ + 1 for the first layer, then for each 3×3 pooling with stride 2")
    if not isinstance(answer["works"], bool):
        fail("expected `works` to be True or False")
    expect_equal(answer["works"], True,
                 hint="a convolution with padding and a global average pooling need at least one position")
