"""Checks for chapter 07, back-propagation."""

import torch
from torch import nn

from . import exercise, expect_close, expect_pair, expect_tensor

XS = torch.tensor([1.0, 2.0, 3.0, 4.0])
YS = torch.tensor([3.0, 5.0, 10.0, 17.0])
CHAIN = "the chain rule: ℓ depends on each parameter through ŷ, so multiply dℓ/dŷ by dŷ/d(parameter)"


@exercise("07.1", points=1, title="one backward pass by hand")
def _(d_w):
    expect_close(d_w, -8.0, atol=1e-6, hint=CHAIN)


@exercise("07.2", points=2, title="two parameters")
def _(grads):
    dw, db = expect_pair(grads, "(dℓ/dw, dℓ/db)")
    expect_close(dw, -21.0, atol=1e-5, label="dℓ/dw", hint=CHAIN)
    expect_close(db, -7.0, atol=1e-5, label="dℓ/db", hint="ŷ changes one-for-one with b: dŷ/db = 1")


def _theta(d):
    return {"theta": [d.uniform(-1.0, 1.0, default=0.5), d.uniform(-2.0, 2.0, default=-1.0),
                      d.uniform(-2.0, 3.0, default=2.0)]}


def _grad(theta):
    t = torch.tensor(theta, requires_grad=True)
    ((t[0] * XS**2 + t[1] * XS + t[2] - YS) ** 2).mean().backward()
    return t.grad


@exercise("07.3", points=3, title="the gradient of y = w1·x² + w2·x + b", params=_theta)
def _(g, p):
    expect_tensor(g, shape=(3,), values=_grad(p.theta), atol=1e-4, n=4,
                  hint="for each parameter: the mean over the examples of dℓ/dŷ times dŷ/d(parameter)")


def _training(d):
    return {"lr": d.uniform(0.002, 0.005, default=0.004, digits=4), "steps": d.integer(300, 800, default=500)}


def _train(lr, steps, clear=True):
    p = torch.zeros(3, requires_grad=True)
    for _ in range(steps):
        loss = ((p[0] * XS**2 + p[1] * XS + p[2] - YS) ** 2).mean()
        if clear:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            p -= lr * p.grad
    return p.detach()


@exercise("07.4", points=3, title="train the quadratic model", params=_training)
def _(theta_end, p):
    expect_tensor(theta_end, shape=(3,), values=_train(p.lr, p.steps), atol=1e-3,
                  mistakes=[(_train(p.lr, p.steps, clear=False), "the gradient accumulated from step to step: "
                                                                 "clear it every step")],
                  hint="each step: the loss, clear the gradient, backward(), then the update under torch.no_grad()")


@exercise("07.5", points=2, title="two linear layers are one")
def _(one_layer):
    W_ans, b_ans = expect_pair(one_layer, "(W, b)")
    torch.manual_seed(7)
    net = nn.Sequential(nn.Linear(5, 4), nn.Linear(4, 2))
    with torch.no_grad():
        W = net[1].weight @ net[0].weight
        b = net[1].weight @ net[0].bias + net[1].bias
    hint = "write layer 2 applied to layer 1's output, multiply it out, and collect what multiplies x and what does not"
    expect_tensor(W_ans, shape=(2, 5), values=W, atol=1e-5, hint=hint)
    expect_tensor(b_ans, shape=(2,), values=b, atol=1e-5,
                  mistakes=[(net[1].bias.detach(), "the first layer's bias also passes through the second layer")],
                  hint=hint)
