"""Checks for chapter 08, linear regression."""

import torch

from . import exercise, expect_close, expect_pair, expect_tensor


@exercise("08.1", points=2, title="the closed-form solution")
def _(w_star):
    from ..data import synthetic_data

    gen_state = torch.get_rng_state()
    try:
        torch.manual_seed(1)
        features, labels = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 100)
    finally:
        torch.set_rng_state(gen_state)
    X1 = torch.cat([features, torch.ones(len(features), 1)], dim=1).double()
    expected = torch.linalg.lstsq(X1, labels.double()).solution.flatten()
    if isinstance(w_star, torch.Tensor):
        w_star = w_star.detach().flatten()
    expect_tensor(w_star, shape=(3,), values=expected, atol=1e-3,
                  hint="append a column of ones, then torch.linalg.solve(X1.T @ X1, X1.T @ labels); flatten it")


@exercise("08.2", points=2, title="a gradient by hand")
def _(grads):
    grads = expect_pair(grads, "(dL_dw, dL_db)")
    expect_close(grads[0], -28 / 3, atol=1e-3, hint="the residuals are [-1, -2, -3]; dL/dw = 2/3 * sum(residual * x)")
    expect_close(grads[1], -4.0, atol=1e-3, hint="dL/db = 2/3 * sum(residual)")


@exercise("08.3", points=3, title="train with Adam")
def _(learned):
    if isinstance(learned, torch.Tensor):
        learned = learned.detach().flatten().float()
    expect_tensor(learned, shape=(3,), values=[2.0, -3.4, 4.2], atol=0.05,
                  hint="concatenate net.weight (flattened) and net.bias; train for 3 epochs with Adam(lr=0.1)")


@exercise("08.4", points=1, title="gradients accumulate")
def _(g):
    expect_close(g, 12.0, atol=1e-6, hint="each backward() adds d(w^2)/dw = 2w = 6 to w.grad")
