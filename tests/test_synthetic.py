"""The synthetic daily-views series: deterministic, weekly cycle, and more history lowers the loss."""

import torch

from dlcourse.synthetic import daily_views, lag_features


def test_deterministic_and_seeded():
    a, b = daily_views(200), daily_views(200)
    assert a.dtype == torch.float32 and a.shape == (200,)
    assert torch.equal(a, b)
    assert not torch.equal(a, daily_views(200, seed=1))


def test_weekly_cycle():
    v = daily_views(700)
    by_weekday = torch.stack([v[d::7].mean() for d in range(7)])
    assert by_weekday[5] < 0.75 * by_weekday[1]  # Saturdays are quiet
    assert (v > 0).all()


def test_lag_features_shape_and_alignment():
    s = torch.arange(10.0)
    X, y = lag_features(s, 3, start=4)
    assert X.shape == (6, 3) and torch.equal(y, s[4:])
    assert torch.equal(X[0], torch.tensor([3.0, 2.0, 1.0]))


def test_more_days_lower_the_loss():
    v = daily_views(3 * 365).double()
    maes = []
    for days in (1, 7, 28):
        X, y = lag_features(v, days, start=28)
        A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], 1)
        train = slice(0, 2 * 365 - 28)
        sol = torch.linalg.lstsq(A[train], y[train, None]).solution
        maes.append((A[2 * 365 - 28:] @ sol - y[2 * 365 - 28:, None]).abs().mean().item())
    assert maes[0] > 1.2 * maes[1] and maes[1] > 1.05 * maes[2], maes
