"""Synthetic data sets generated in code (no download): deterministic, documented, small.

``daily_views`` imitates the "daily views of a video channel" example of 李宏毅's lecture (P2): the
numbers are **synthetic**, made up by the formula below, not measured anywhere. They have what the
example needs: a weekly cycle (weekends are quiet), a 28-day cycle (a monthly upload schedule), a slow
upward trend and day-to-day noise that carries over to the next days, so a model that looks back
1, 7 or 28 days does better and better.
"""

from __future__ import annotations

import math

import torch

WEEKDAY_FACTOR = (1.00, 1.06, 1.04, 1.00, 0.93, 0.62, 0.70)  # Monday ... Sunday


def daily_views(n_days: int = 3 * 365, seed: int = 0) -> torch.Tensor:
    """A synthetic daily-views series of length ``n_days`` (float32, in views per day), day 0 a Monday.

        views(t) = (4000 + 2·t + 600·sin(2πt/28)) · weekday_factor(t mod 7) + AR(1) noise

    The noise is an AR(1) process (each day keeps 0.8 of the previous day's deviation, plus N(0, 150²)),
    drawn from a generator seeded with ``seed``, so the same arguments always give the same series.
    """
    if n_days < 1:
        raise ValueError("n_days must be positive")
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(n_days, dtype=torch.float64)
    level = 4000 + 2 * t + 600 * torch.sin(2 * math.pi * t / 28)
    weekday = torch.tensor(WEEKDAY_FACTOR, dtype=torch.float64)[torch.arange(n_days) % 7]
    shocks = torch.randn(n_days, generator=g, dtype=torch.float64) * 150
    noise = torch.empty(n_days, dtype=torch.float64)
    prev = 0.0
    for i in range(n_days):
        prev = 0.8 * prev + shocks[i].item()
        noise[i] = prev
    return (level * weekday + noise).to(torch.float32)


def lag_features(series: torch.Tensor, days: int, start: int | None = None):
    """Features = the previous ``days`` values, label = today's value.

    Returns ``X`` of shape (n, days) (column j holds the value j + 1 days before) and ``y`` of shape (n,),
    for every day from ``start`` (default: ``days``) to the end, so that several feature sizes can be
    compared on exactly the same days.
    """
    start = days if start is None else start
    if start < days:
        raise ValueError("start must be at least `days`: the first rows need `days` earlier values")
    idx = torch.arange(start, len(series))
    X = torch.stack([series[idx - j] for j in range(1, days + 1)], dim=1)
    return X, series[idx]
