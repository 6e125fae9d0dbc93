"""Checks for chapter 08, linear regression."""

import torch

from . import exercise, expect_close, expect_pair, expect_tensor, fail


def _regression(d):
    return {"true_w": [d.uniform(-4.0, 4.0, default=2.0), d.uniform(-4.0, 4.0, default=-3.4)],
            "true_b": d.uniform(-5.0, 5.0, default=4.2), "n": d.integer(15, 40, default=100), "seed": d.seed(default=1)}


def regression_data(p):
    """The data of exercise 08.1, made as the notebook makes them (the global generator, seeded)."""
    from ..data import synthetic_data

    with torch.random.fork_rng():
        torch.manual_seed(p.seed)
        return synthetic_data(torch.tensor(p.true_w), p.true_b, p.n)


@exercise("08.1", points=2, title="the closed-form solution", params=_regression)
def _(w_star, p):
    features, labels = regression_data(p)
    X1 = torch.cat([features, torch.ones(len(features), 1)], dim=1).double()
    expected = torch.linalg.lstsq(X1, labels.double()).solution.flatten()
    if isinstance(w_star, torch.Tensor) and w_star.numel() == 3:
        w_star = w_star.detach().flatten()
        truth = torch.tensor([*p.true_w, p.true_b])
        if torch.allclose(w_star.double(), truth.double(), atol=1e-6):
            fail("these are the true parameters the data were made with, not the least-squares solution of "
                 "these noisy data", "solve the normal equations for the data as they are")
    expect_tensor(w_star, shape=(3,), values=expected, atol=1e-4,
                  hint="append a column of ones to the features, then solve the normal equations "
                       "(torch.linalg.solve); flatten the result")


@exercise("08.2", points=2, title="a gradient by hand")
def _(grads):
    dw, db = expect_pair(grads, "(dL_dw, dL_db)")
    expect_close(dw, -28 / 3, atol=1e-3, n=3, label="dL/dw",
                 hint="compute ŷ − y for each point at w = 1, b = 0, then apply the formula")
    expect_close(db, -4.0, atol=1e-3, n=3, label="dL/db", hint="ŷ changes one-for-one with b")


def _adam_data(d):
    """1,000 examples of y = Xw + b + noise, with w and b the learner does not see."""
    from ..data import synthetic_data

    w = torch.tensor([d.uniform(-4.0, 4.0, default=2.0), d.uniform(-4.0, 4.0, default=-3.4)])
    b = d.uniform(-5.0, 5.0, default=4.2)
    with torch.random.fork_rng():
        torch.manual_seed(d.seed(default=0))
        features, labels = synthetic_data(w, b, 1000)
    return {"features": features, "labels": labels}


@exercise("08.3", points=3, title="train with Adam", params=_adam_data)
def _(learned, p):
    if isinstance(learned, torch.Tensor):
        learned = learned.detach().flatten().float()
    X1 = torch.cat([p.features, torch.ones(len(p.features), 1)], dim=1).double()
    best = torch.linalg.lstsq(X1, p.labels.double()).solution.flatten()
    expect_tensor(learned, shape=(3,), values=best, atol=0.05,
                  hint="concatenate the flattened weight and the bias of the trained layer; train for 3 epochs "
                       "with Adam(lr=0.1) and nn.MSELoss() on batches of 10")


@exercise("08.4", points=1, title="gradients accumulate")
def _(g):
    expect_close(g, 12.0, atol=1e-6,
                 mistakes=[(6.0, "that is the gradient of one backward(): the second call added to it")],
                 hint="backward() adds the new gradient to what .grad already holds")
