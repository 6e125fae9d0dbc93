"""Checks for chapter 09, logistic regression and multi-dimensional input."""

import math

from . import exercise, expect_close, expect_pair


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


@exercise("09.1", points=1, title="the sigmoid's derivative")
def _(slopes):
    slopes = expect_pair(slopes, "(sigma'(0), sigma'(2))")
    expect_close(slopes[0], 0.25, atol=1e-4, hint="sigma(0) = 0.5, so sigma'(0) = 0.5 * 0.5")
    s = _sigmoid(2.0)
    expect_close(slopes[1], s * (1 - s), atol=1e-4, hint="sigma(2) is about 0.881")


@exercise("09.2", points=2, title="binary cross-entropy by hand")
def _(bce):
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    expect_close(bce, expected, atol=1e-4,
                 hint="for y = 0 the term is log(1 - y_hat); average the three losses and keep the minus sign")


@exercise("09.3", points=1, title="the decision boundary")
def _(boundary):
    expect_close(boundary, 2.5, atol=1e-4, hint="sigma(z) = 0.5 exactly where z = wx + b = 0")


@exercise("09.4", points=3, title="beat the baseline on held-out rows")
def _(result):
    result = expect_pair(result, "(test_accuracy, baseline_accuracy)")
    expect_close(result[1], 98 / 151, atol=1e-3,
                 hint="the training set's majority class is 1; count how often it is right on the test rows")
    expect_close(result[0], 0.775, atol=0.03,
                 hint="train on the training rows only, 1,000 full-batch steps with lr 1.0; "
                      "predict 1 where the logit > 0")
