"""Linear regression from scratch (chapter 08): the model and the loss, with d2l's names and signatures."""

from __future__ import annotations

import torch


def linreg(X, w, b):
    """The linear model ``Xw + b`` (d2l's ``linreg``)."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Half the squared error, per example: ``(ŷ − y)² / 2`` (d2l's ``squared_loss``; note the ½,
    which ``nn.MSELoss`` does not have)."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
