"""Checks for chapter 07, back-propagation."""

import torch
from torch import nn

from . import exercise, expect_close, expect_pair, expect_tensor

XS = torch.tensor([1.0, 2.0, 3.0, 4.0])
YS = torch.tensor([3.0, 5.0, 10.0, 17.0])


@exercise("07.1", points=1, title="one backward pass by hand")
def _(d_w):
    expect_close(d_w, -8.0, atol=1e-6, hint="dℓ/dw = 2·(w·x − y)·x")


@exercise("07.2", points=2, title="two parameters")
def _(grads):
    grads = expect_pair(grads, "(dℓ/dw, dℓ/db)")
    expect_close(grads[0], -21.0, atol=1e-5, hint="dℓ/dw = 2·(ŷ − y)·x with ŷ = w·x + b")
    expect_close(grads[1], -7.0, atol=1e-5, hint="dℓ/db = 2·(ŷ − y): the addition node passes the gradient on")


@exercise("07.3", points=3, title="the gradient of y = w1·x² + w2·x + b")
def _(g):
    t = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    ((t[0] * XS**2 + t[1] * XS + t[2] - YS) ** 2).mean().backward()
    expect_tensor(g, shape=(3,), values=t.grad, atol=1e-4,
                  hint="mean over the examples of 2·(ŷ − y) times x², x and 1 respectively")


@exercise("07.4", points=3, title="train the quadratic model")
def _(theta_end):
    p = torch.zeros(3, requires_grad=True)
    for _ in range(3000):
        loss = ((p[0] * XS**2 + p[1] * XS + p[2] - YS) ** 2).mean()
        p.grad = None
        loss.backward()
        with torch.no_grad():
            p -= 0.004 * p.grad
    expect_tensor(theta_end, shape=(3,), values=p.detach(), atol=1e-3,
                  hint="3000 steps at lr 0.004 from zeros; clear the gradient every step, or it accumulates")


@exercise("07.5", points=2, title="two linear layers are one")
def _(one_layer):
    one_layer = expect_pair(one_layer, "(W, b)")
    torch.manual_seed(7)
    net = nn.Sequential(nn.Linear(5, 4), nn.Linear(4, 2))
    with torch.no_grad():
        W = net[1].weight @ net[0].weight
        b = net[1].weight @ net[0].bias + net[1].bias
    expect_tensor(one_layer[0], shape=(2, 5), values=W, atol=1e-5, hint="W = W2 @ W1")
    expect_tensor(one_layer[1], shape=(2,), values=b, atol=1e-5, hint="b = W2 @ b1 + b2")
