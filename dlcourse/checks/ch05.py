"""Checks for chapter 05, what machine learning does."""

import torch

from . import CheckFailed, exercise, expect_close, expect_equal, expect_pair, expect_tensor


@exercise("05.1", points=1, title="kinds of tasks")
def _(kinds):
    expected = {"tomorrow's PM2.5": "regression", "is this e-mail spam": "classification",
                "translate a sentence": "structured", "which digit is in the image": "classification"}
    if not isinstance(kinds, dict):
        raise CheckFailed("expected a dict from task to kind")
    got = {k: str(v).strip().lower() for k, v in kinds.items()}
    wrong = sorted(k for k in expected if got.get(k) != expected[k])
    if wrong:
        raise CheckFailed(f"not right yet: {wrong}. Hint: a number is regression, one of a fixed set of "
                          "options is classification, a sentence or an image is structured output")


@exercise("05.2", points=1, title="MAE and MSE")
def _(losses):
    losses = expect_pair(losses, "(mae, mse)")
    expect_close(losses[0], 1.125, atol=1e-5, hint="MAE = mean of |ŷ − y|")
    expect_close(losses[1], 2.5625, atol=1e-5, hint="MSE = mean of (ŷ − y)²")


@exercise("05.3", points=2, title="exhaustive search")
def _(w_best):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    y = torch.tensor([2.6, 5.1, 7.4, 10.2])
    grid = torch.linspace(0, 5, 501)
    ref = grid[((grid[:, None] * x - y) ** 2).mean(dim=1).argmin()].item()
    expect_close(w_best, ref, atol=1e-4, hint="compute the MSE for every w of the grid and take the argmin")


def _surface():
    x = torch.tensor([1.0, 2.0, 3.0])
    y = torch.tensor([3.0, 5.0, 7.0])
    W, B = torch.meshgrid(torch.linspace(0, 4, 41), torch.linspace(-2, 2, 41), indexing="ij")
    return ((W[..., None] * x + B[..., None] - y) ** 2).mean(dim=-1)


@exercise("05.4", points=3, title="the loss surface of y = w·x + b")
def _(L):
    expect_tensor(L, shape=(41, 41), values=_surface(), atol=1e-4,
                  hint="torch.meshgrid(ws, bs, indexing='ij'), then broadcast over the three examples and "
                       "average the squared errors over the last dimension")


@exercise("05.5", points=1, title="the bottom of the surface")
def _(wb):
    wb = expect_pair(wb, "(w, b)")
    expect_equal((round(float(wb[0]), 3), round(float(wb[1]), 3)), (2.0, 1.0),
                 hint="L.argmin() gives a flat index; divmod(index, 41) turns it into (i, j)")


@exercise("05.6", points=2, title="how much history?")
def _(val_mae):
    from ..synthetic import daily_views, lag_features

    views = daily_views(3 * 365).double()
    X, t = lag_features(views, 14, start=28)
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    n = 2 * 365 - 28
    sol = torch.linalg.lstsq(A[:n], t[:n, None]).solution
    ref = ((A[n:] @ sol).squeeze(1) - t[n:]).abs().mean().item()
    expect_close(val_mae, ref, atol=0.5, hint="14 lag columns plus a column of ones; fit on the first 702 rows, "
                 "score the mean absolute error on the rest")
