"""Checks for chapter 05, what machine learning does."""

import torch

from . import exercise, expect_close, expect_pair, expect_tensor, fail

KINDS = {"tomorrow's PM2.5": "regression", "is this e-mail spam": "classification",
         "translate a sentence": "structured", "which digit is in the image": "classification"}


@exercise("05.1", points=1, title="kinds of tasks")
def _(kinds):
    if not isinstance(kinds, dict):
        fail("expected a dict from task to kind")
    missing = [k for k in KINDS if k not in kinds]
    if missing:
        fail(f"the dict has no entry for {missing}")
    got = {k: str(v).strip().lower().removesuffix(" output").removesuffix("-output") for k, v in kinds.items()}
    unknown = sorted({v for v in got.values()} - {"regression", "classification", "structured"})
    if unknown:
        fail(f"unknown kinds {unknown}: use 'regression', 'classification' or 'structured'")
    wrong = sum(got[k] != v for k, v in KINDS.items())
    if wrong:
        fail(f"{wrong} of the {len(KINDS)} tasks {'is' if wrong == 1 else 'are'} not right",
             "a number is regression, one of a fixed set of options is classification, and an output with "
             "parts of its own (a sentence, an image) is structured output")


@exercise("05.2", points=1, title="MAE and MSE")
def _(losses):
    mae, mse = expect_pair(losses, "(mae, mse)")
    expect_close(mae, 1.125, atol=1e-5, n=4, label="the MAE",
                 hint="the mean, over the examples, of the absolute errors")
    expect_close(mse, 2.5625, atol=1e-5, n=4, label="the MSE",
                 hint="the mean, over the examples, of the squared errors")


XS_53 = torch.tensor([1.0, 2.0, 3.0, 4.0])


def _search_data(d):
    """y for x = 1, 2, 3, 4; under the grader, another slope and other noise."""
    if not d.fresh:
        return {"x": [1.0, 2.0, 3.0, 4.0], "y": [2.6, 5.1, 7.4, 10.2]}
    g = torch.Generator().manual_seed(d.seed())
    slope = d.uniform(1.2, 3.8, default=2.5, gap=0.4)
    y = slope * XS_53 + 0.4 * torch.randn(4, generator=g)
    return {"x": [1.0, 2.0, 3.0, 4.0], "y": [round(v, 1) for v in y.tolist()]}


@exercise("05.3", points=2, title="exhaustive search", params=_search_data)
def _(w_best, p):
    x, y = torch.tensor(p.x), torch.tensor(p.y)
    grid = torch.linspace(0, 5, 501)
    ref = grid[((grid[:, None] * x - y) ** 2).mean(dim=1).argmin()].item()
    expect_close(w_best, ref, atol=1e-4, hint="compute the MSE for every w of the grid and keep the w whose MSE is "
                                              "lowest (torch.argmin gives its position)")


def _surface_data(d):
    """Three points (x, y); in the learner's notebook the lecture's (1, 3), (2, 5), (3, 7)."""
    if not d.fresh:
        return {"x": [1.0, 2.0, 3.0], "y": [3.0, 5.0, 7.0]}
    g = torch.Generator().manual_seed(d.seed())
    w, b = d.uniform(0.6, 3.4, default=2.0, gap=0.5), d.uniform(-1.5, 1.5, default=1.0, gap=0.5)
    y = w * torch.tensor([1.0, 2.0, 3.0]) + b + 0.3 * torch.randn(3, generator=g)
    return {"x": [1.0, 2.0, 3.0], "y": [round(v, 1) for v in y.tolist()]}


def _surface(p, reduce="mse"):
    x, y = torch.tensor(p.x), torch.tensor(p.y)
    W, B = torch.meshgrid(torch.linspace(0, 4, 41), torch.linspace(-2, 2, 41), indexing="ij")
    r = W[..., None] * x + B[..., None] - y
    return (r ** 2).mean(dim=-1) if reduce == "mse" else r.abs().mean(dim=-1)


@exercise("05.4", points=3, title="the loss surface of y = w·x + b", params=_surface_data)
def _(L, p):
    expect_tensor(L, shape=(41, 41), values=_surface(p), atol=1e-4, n=3,
                  mistakes=[(_surface(p, "mae"), "that is the mean absolute error; the exercise asks for the MSE")],
                  hint="build the grid with torch.meshgrid(..., indexing='ij') and broadcast it against the three "
                       "examples, then reduce over the examples")


@exercise("05.5", points=1, title="the bottom of the surface", params="05.4")
def _(wb, p):
    w, b = expect_pair(wb, "(w, b)")
    L = _surface(p)
    i, j = divmod(L.argmin().item(), 41)
    ws, bs = torch.linspace(0, 4, 41), torch.linspace(-2, 2, 41)
    if abs(float(w) - bs[j].item()) < 1e-4 and abs(float(b) - ws[i].item()) < 1e-4 and i != j:
        fail("your w and b are swapped", "rows of L go with w, columns with b")
    hint = "L.argmin() gives a flat index; divmod(index, number of columns) turns it into (row, column)"
    expect_close(w, ws[i].item(), atol=1e-4, label="w", hint=hint)
    expect_close(b, bs[j].item(), atol=1e-4, label="b", hint=hint)


def _history(d):
    return {"lags": d.choice([d_ for d_ in range(5, 28) if d_ != 7], default=14)}


@exercise("05.6", points=2, title="how much history?", params=_history)
def _(val_mae, p):
    from ..synthetic import daily_views, lag_features

    views = daily_views(3 * 365).double()
    X, t = lag_features(views, p.lags, start=28)
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    n = 2 * 365 - 28
    sol = torch.linalg.lstsq(A[:n], t[:n, None]).solution
    ref = ((A[n:] @ sol).squeeze(1) - t[n:]).abs().mean().item()
    expect_close(val_mae, ref, atol=0.5,
                 hint=f"{p.lags} lag columns plus a column of ones; fit on the rows up to the end of the second "
                      "year, then take the mean absolute error on the third")
