"""Checks for chapter 18, AlexNet."""

import torch

from . import exercise, expect_equal, expect_int, expect_pair, expect_tensor, fail
from .probes import need_callable

OUTPUT_SIZE = "⌊(n − k + 2p)/s⌋ + 1 gives each side, for the convolution and then for the pooling"


@exercise("18.1", points=1, title="the first layer's output, by hand")
def _(shapes):
    conv, pool = expect_pair(shapes, "(shape after the convolution, shape after the pooling)")
    expect_equal([conv, pool], [(96, 54, 54), (96, 26, 26)], hint=OUTPUT_SIZE)


@exercise("18.2", points=2, title="where the parameters are")
def _(n_fc):
    expected = (6400 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 10 + 10)
    expect_int(n_fc, expected, what="a count",
               mistakes=[(6400 * 4096 + 4096 * 4096 + 4096 * 10, "those are the weights only: each layer also has "
                                                                  "a bias per output")],
               hint="a Linear(m, n) layer has a weight for each (input, output) pair and a bias per output")


def _dropout_inputs(d):
    g = torch.Generator().manual_seed(d.seed(default=18))
    cases = []
    for p in (d.choice([0.2, 0.3, 0.4, 0.6], default=0.5), 0.0, 1.0):
        X = torch.randn(3, 5, generator=g)
        cases.append((X, p, torch.rand(3, 5, generator=g) > p))
    return {"_cases": cases}


def _probe_183(answer, p):
    f = need_callable(answer, "your function `dropout_layer`")
    return [torch.as_tensor(f(X.clone(), p_drop, mask.clone())).detach().float() for X, p_drop, mask in p._cases]


@exercise("18.3", points=2, title="dropout from scratch", params=_dropout_inputs, probe=_probe_183,
          wants="your function `dropout_layer` itself")
def _(outs, p):
    for (X, p_drop, mask), Y in zip(p._cases, outs):
        expected = torch.zeros_like(X) if p_drop == 1 else X * mask / (1 - p_drop)
        mistakes = [] if p_drop in (0, 1) else [(X * mask, "the kept units were not rescaled"),
                                                (X * mask / p_drop, "the kept units were divided by p, the "
                                                                    "probability of dropping")]
        expect_tensor(Y, shape=tuple(X.shape), values=expected, atol=1e-5, mistakes=mistakes,
                      hint=f"(checked with p = {p_drop}) scale the kept units so that the expected value is "
                           "unchanged; with p = 1 every unit is dropped")


@exercise("18.4", points=1, title="augmentation that stays in the test distribution")
def _(safe):
    if not isinstance(safe, (list, tuple)) or not all(isinstance(s, str) for s in safe):
        fail("expected a list of names, e.g. ['hflip']")
    expect_equal(sorted(safe), ["shift2"],
                 hint="look at test images of every class: which way do shoes point, is anything upside down, "
                      "is the background ever light?")


@exercise("18.5", points=2, title="a lite AlexNet's shapes")
def _(answer):
    if not isinstance(answer, dict) or set(answer) != {"sides", "flat"}:
        fail("expected a dict with keys 'sides' and 'flat'")
    expect_equal(answer["sides"], [13, 6, 2],
                 hint="each 3×3 pooling with stride 2 maps a side n to ⌊(n − 3)/2⌋ + 1; the convolutions keep the "
                      "size")
    expect_int(answer["flat"], 64 * 2 * 2, label="flat", hint="channels × height × width after the last pooling")
