"""Checks for chapter 11, softmax regression."""

import torch

from . import CheckFailed, exercise, expect_close, expect_tensor


@exercise("11.1", points=1, title="a stable softmax")
def _(p):
    expected = torch.softmax(torch.tensor([0.0, 1.0, 2.0]), dim=0)
    if isinstance(p, torch.Tensor) and torch.isnan(p).any():
        raise CheckFailed("the result contains nan: exp(1000) overflows. Hint: subtract o.max() before exp")
    expect_tensor(p, shape=(3,), values=expected, atol=1e-5, hint="exp(o - o.max()) / its sum")


@exercise("11.2", points=1, title="cross-entropy by fancy indexing")
def _(ce):
    expected = -(torch.log(torch.tensor(0.7)) + torch.log(torch.tensor(0.8)) + torch.log(torch.tensor(0.3))) / 3
    expect_close(ce, expected.item(), atol=1e-4, hint="y_hat[range(3), y] picks 0.7, 0.8 and 0.3")


@exercise("11.3", points=2, title="the gradient of the cross-entropy")
def _(grad):
    expected = torch.softmax(torch.tensor([1.0, 2.0, 0.5]), dim=0) - torch.tensor([0.0, 1.0, 0.0])
    expect_tensor(grad, shape=(3,), values=expected, atol=1e-4, hint="softmax(o) minus the one-hot vector of class 1")


@exercise("11.4", points=1, title="Huber's loss")
def _(h):
    expect_tensor(h, shape=(3,), values=[0.125, 1.5, 2.5], atol=1e-5,
                  hint="|r| - 0.5 where |r| > 1, else r**2 / 2")


@exercise("11.5", points=3, title="train with LogSoftmax + NLLLoss")
def _(test_acc):
    expect_close(test_acc, 0.5, atol=0.5, hint="an accuracy is a number between 0 and 1")
    if test_acc < 0.6:
        raise CheckFailed(f"test accuracy {test_acc:.3f} is below 0.6 (chance is 0.1). Hint: NLLLoss expects "
                          "log-probabilities, so the network must end in nn.LogSoftmax(dim=1), not nn.Softmax")
