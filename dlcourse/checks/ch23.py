"""Checks for chapter 23, RNN basics."""

import torch
from torch import nn

from . import CheckFailed, exercise, expect_equal, expect_int, expect_tensor


def _as_tuple(s):
    if isinstance(s, (torch.Size, list, tuple)):
        return tuple(_as_tuple(v) if isinstance(v, (torch.Size, list, tuple)) else v for v in s)
    return s


@exercise("23.1", points=1, title="shapes of a deep bidirectional GRU")
def _(shapes):
    shapes = _as_tuple(shapes)
    if not isinstance(shapes, tuple) or len(shapes) != 2:
        raise CheckFailed("expected a pair: (output shape, hn shape)")
    expect_equal(shapes, ((8, 11, 10), (6, 8, 5)),
                 hint="batch_first changes output only; hn is (num_layers * 2, batch, hidden); "
                      "output has 2 * hidden features")


@exercise("23.2", points=2, title="counting a GRU's parameters")
def _(n):
    expect_int(n, 11280, hint="per direction: layer 1 has 3 * (20*10 + 20*20 + 2*20), layer 2 has "
                                "3 * (20*40 + 20*20 + 2*20); two directions")


def _gru_step_reference():
    torch.manual_seed(23)
    cell = nn.GRUCell(3, 4)
    x = torch.randn(2, 3)
    h0 = torch.randn(2, 4)
    with torch.no_grad():
        return cell(x, h0)


@exercise("23.3", points=3, title="one GRU step by hand")
def _(h1):
    expect_tensor(h1, shape=(2, 4), values=_gru_step_reference(), atol=1e-5,
                  hint="n = tanh(i_n + r * h_n), where h_n includes bias_hh's n block; "
                       "h1 = (1 - z) * n + z * h0")


@exercise("23.4", points=2, title="clipping by the global norm")
def _(clipped):
    expect_tensor(clipped, shape=(8,), values=torch.tensor([1.0, 2.0, 2.0, 0.0, 6.0, 0.0, 0.0, 2.0]) * 0.5,
                  atol=1e-5,
                  hint="the global norm is sqrt(1 + 4 + 4 + 36 + 4) = 7; scale every gradient by 3.5 / 7")
