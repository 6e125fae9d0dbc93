"""Checks for chapter 23, RNN basics."""

import torch
from torch import nn

from . import exercise, expect_equal, expect_int, expect_pair, expect_tensor, fail
from .probes import call, need_callable


@exercise("23.1", points=1, title="shapes of a deep bidirectional GRU")
def _(shapes):
    output, hn = expect_pair(shapes, "(output shape, hn shape)")
    expect_equal([output, hn], [(8, 11, 10), (6, 8, 5)],
                 hint="batch_first reorders `output` only; `hn` has one row per layer and direction; `output` "
                      "holds both directions' features side by side")


@exercise("23.2", points=2, title="counting a GRU's parameters")
def _(n):
    H = 20
    layer1, layer2 = 3 * (H * 10 + H * H + 2 * H), 3 * (H * 2 * H + H * H + 2 * H)
    expect_int(n, 2 * (layer1 + layer2), what="a count",
               mistakes=[(2 * (layer1 + 3 * (H * H + H * H + 2 * H)),
                          "the second layer reads both directions of the first: its input has 2 × 20 features")],
               hint="per layer and direction: 3 gate blocks, each with an input weight, a hidden weight and two "
                    "biases")


def _cells(d):
    g = torch.Generator().manual_seed(d.seed(default=23))
    n_in, n_h = d.integer(2, 5, default=3), d.integer(2, 6, default=4)
    with torch.random.fork_rng():
        torch.manual_seed(d.seed(default=230))
        cell = nn.GRUCell(n_in, n_h)
    return {"_state": {k: v.detach().clone() for k, v in cell.state_dict().items()}, "_sizes": (n_in, n_h),
            "_x": torch.randn(3, n_in, generator=g), "_h0": torch.randn(3, n_h, generator=g)}


def _cell(p) -> nn.GRUCell:
    cell = nn.GRUCell(*p._sizes)
    cell.load_state_dict(p._state)
    return cell


def _probe_233(answer, p):
    f = need_callable(answer, "your function `gru_step`")
    with torch.no_grad():
        return torch.as_tensor(f(_cell(p), p._x.clone(), p._h0.clone())).detach().float()


def _variant(p, swap=False, bias_outside=False):
    cell = _cell(p)
    with torch.no_grad():
        i_r, i_z, i_n = (p._x @ cell.weight_ih.T + cell.bias_ih).chunk(3, dim=1)
        h_r, h_z, h_n = (p._h0 @ cell.weight_hh.T + cell.bias_hh).chunk(3, dim=1)
        r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
        if bias_outside:
            b_n = cell.bias_hh.chunk(3)[2]
            n = torch.tanh(i_n + r * (h_n - b_n) + b_n)
        else:
            n = torch.tanh(i_n + r * h_n)
        return z * n + (1 - z) * p._h0 if swap else (1 - z) * n + z * p._h0


@exercise("23.3", points=3, title="one GRU step by hand", params=_cells, probe=_probe_233,
          wants="your function `gru_step` itself")
def _(h1, p):
    with torch.no_grad():
        expected = _cell(p)(p._x, p._h0)
    expect_tensor(h1, shape=tuple(expected.shape), values=expected, atol=1e-5,
                  mistakes=[(_variant(p, swap=True), "z and 1 − z are swapped: z is the share of the old state "
                                                     "that is kept"),
                            (_variant(p, bias_outside=True), "bias_hh's n block must be inside the product with "
                                                             "the reset gate r")],
                  hint="the rows of the weights are stacked reset, update, new; PyTorch's GRU multiplies the reset "
                       "gate by the whole hidden part of n, bias included")


def _grads(d):
    g = torch.Generator().manual_seed(d.seed(default=24))
    big = [3 * torch.randn(3, generator=g), 3 * torch.randn(2, 2, generator=g), 3 * torch.randn(1, generator=g)]
    small = [0.1 * torch.randn(4, generator=g), 0.1 * torch.randn(2, generator=g)]
    return {"_cases": [(big, d.uniform(1.0, 4.0, default=3.5)), (small, 5.0)]}


def _clip(grads, theta, separately=False, always=False):
    if separately:
        return [g * min(1.0, theta / g.norm().item()) for g in grads]
    total = torch.sqrt(sum((g ** 2).sum() for g in grads)).item()
    factor = theta / total if always else min(1.0, theta / total)
    return [g * factor for g in grads]


def _probe_234(answer, p):
    f = need_callable(answer, "your function `clip_by_global_norm`")
    out = []
    for grads, theta in p._cases:
        clipped = call(f, [g.clone() for g in grads], theta)
        if not isinstance(clipped, (list, tuple)):
            fail(f"clip_by_global_norm should return a list of tensors, not {type(clipped).__name__}")
        out.append(torch.cat([torch.as_tensor(c).detach().float().flatten() for c in clipped]))
    return out


@exercise("23.4", points=2, title="clipping by the global norm", params=_grads, probe=_probe_234,
          wants="your function `clip_by_global_norm` itself")
def _(outs, p):
    for (grads, theta), got in zip(p._cases, outs):
        flat = lambda gs: torch.cat([g.flatten() for g in gs])  # noqa: E731
        expect_tensor(got, shape=(sum(g.numel() for g in grads),), values=flat(_clip(grads, theta)), atol=1e-5,
                      mistakes=[(flat(_clip(grads, theta, separately=True)), "each gradient was clipped on its own: "
                                                                           "use one norm over all of them"),
                                (flat(_clip(grads, theta, always=True)), "the gradients were scaled although their "
                                                                       "norm was already below θ")],
                      hint="one norm over all the gradients together; only if it exceeds θ, scale every gradient by "
                           "the same factor")
