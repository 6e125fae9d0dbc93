"""Checks for chapter 12, multilayer perceptrons."""

import torch
from torch import nn

from . import exercise, expect_int, expect_tensor, fail
from .probes import need_module, run


@exercise("12.1", points=1, title="one perceptron update")
def _(wb):
    expect_tensor(wb, shape=(3,), values=[2.0, 1.0, 1.0], atol=1e-6,
                  mistakes=[([1.0, -1.0, 0.0], "nothing was updated: is the example misclassified?"),
                            ([2.0, 1.0, 0.0], "w moved but b did not: the rule updates the bias too")],
                  hint="evaluate the condition with these numbers first; if it holds, apply the perceptron rule to "
                       "both w and b")


@exercise("12.2", points=2, title="the sigmoid's derivative by autograd")
def _(dsig):
    x = torch.linspace(-2, 2, 5)
    s = torch.sigmoid(x)
    expect_tensor(dsig, shape=(5,), values=s * (1 - s), atol=1e-5,
                  mistakes=[(s, "those are the sigmoid's values, not its derivatives")],
                  hint="back-propagate the sum of the sigmoids; the derivatives land in xs.grad")


@exercise("12.3", points=1, title="parameters of the 784-512-256-128-64-10 network")
def _(n):
    expect_int(n, 575050, what="a count",
               mistakes=[(575050 - 970, "that counts the weights only: every layer also has one bias per output")],
               hint="each nn.Linear(i, o) has a weight per (input, output) pair and a bias per output")


XOR_X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = torch.tensor([0, 1, 1, 0])


def _points(d):
    """Points near the four corners the network was trained on (it never saw these)."""
    g = torch.Generator().manual_seed(d.seed(default=12))
    idx = torch.randint(0, 4, (96,), generator=g)
    return {"_x": torch.cat([XOR_X, XOR_X[idx] + (torch.rand(96, 2, generator=g) - 0.5) * 0.2]),
            "_y": torch.cat([XOR_Y, XOR_Y[idx]])}


def _probe_124(answer, p):
    return run(need_module(answer, "your trained network `net`"), p._x)


@exercise("12.4", points=2, title="an MLP that learns XOR", params=_points, probe=_probe_124,
          wants="your trained network `net` itself")
def _(out, p):
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[1] != 2:
        fail("your network should give two scores (one per class) for each point", "end it in nn.Linear(..., 2)")
    pred = out.argmax(dim=1)
    if not (pred[:4] == XOR_Y).all():
        fail("your network does not classify the four XOR points correctly",
             "one hidden layer with a few ReLU units and a few hundred steps of Adam or SGD is enough")
    acc = (pred[4:] == p._y[4:]).double().mean().item()
    if acc < 0.9:
        fail(f"your network gets the four corners right, but only {acc:.0%} of the points next to them: it has "
             "learned the four points more than the pattern", "train longer, or with a few more hidden units")


@exercise("12.5", points=1, title="two linear layers are one")
def _(Wc):
    with torch.random.fork_rng():   # rebuild the exercise's layers without disturbing the caller's seed
        torch.manual_seed(1)
        lin = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    A1, a1 = lin[0].weight.detach(), lin[0].bias.detach()
    A2, a2 = lin[1].weight.detach(), lin[1].bias.detach()
    expected = torch.cat([(A2 @ A1).flatten(), A2 @ a1 + a2])
    expect_tensor(Wc, shape=(3,), values=expected, atol=1e-5,
                  mistakes=[(torch.cat([(A2 @ A1).flatten(), a2]), "the first layer's bias also passes through the "
                                                                     "second layer")],
                  hint="write layer 2 applied to layer 1's output, multiply it out, and collect what multiplies x "
                       "and what does not")
