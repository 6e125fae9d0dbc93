"""Checks for chapter 12, multilayer perceptrons."""

import torch
from torch import nn

from . import CheckFailed, exercise, expect_int, expect_tensor


@exercise("12.1", points=1, title="one perceptron update")
def _(wb):
    # x·w + b = 1 - 2 = -1, times y = +1 is negative: misclassified, so w += x, b += 1
    expect_tensor(wb, shape=(3,), values=[2.0, 1.0, 1.0], atol=1e-6,
                  hint="the example is misclassified (y(x·w+b) = -1 <= 0), so w <- w + y x and b <- b + y")


@exercise("12.2", points=2, title="the sigmoid's derivative by autograd")
def _(dsig):
    x = torch.linspace(-2, 2, 5)
    s = torch.sigmoid(x)
    expect_tensor(dsig, shape=(5,), values=s * (1 - s), atol=1e-5,
                  hint="torch.sigmoid(xs).sum().backward(), then read xs.grad")


@exercise("12.3", points=1, title="parameters of the 784-512-256-128-64-10 network")
def _(n):
    expect_int(n, 575050, hint="each nn.Linear(i, o) has i*o weights and o biases")


@exercise("12.4", points=2, title="an MLP that learns XOR")
def _(pred):
    pred = expect_tensor(pred, shape=(4,))
    if pred.is_floating_point():
        raise CheckFailed("expected class indices (integers), e.g. net(X).argmax(dim=1)")
    expect_tensor(pred, values=[0, 1, 1, 0],
                  hint="one hidden layer with a few ReLU units, a few hundred steps of Adam or SGD")


@exercise("12.5", points=1, title="two linear layers are one")
def _(Wc):
    with torch.random.fork_rng():   # rebuild the exercise's layers without disturbing the caller's seed
        torch.manual_seed(1)
        lin = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    A1, a1 = lin[0].weight.detach(), lin[0].bias.detach()
    A2, a2 = lin[1].weight.detach(), lin[1].bias.detach()
    expected = torch.cat([(A2 @ A1).flatten(), A2 @ a1 + a2])
    expect_tensor(Wc, shape=(3,), values=expected, atol=1e-5,
                  hint="W2(W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)")
