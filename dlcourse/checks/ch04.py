"""Checks for chapter 04, calculus and automatic differentiation."""

import torch

from . import CheckFailed, exercise, expect_equal, expect_pair, expect_tensor


def _pair(answer, what: str):
    answer = expect_pair(answer, f"of tensors: {what}")
    return answer


@exercise("04.1", points=1, title="a gradient with autograd")
def _(grad):
    expect_tensor(grad, shape=(3,), values=[-2.0, 1.0, 10.0], hint="f'(x) = 3x^2 - 2")


@exercise("04.2", points=2, title="a non-scalar output")
def _(grads):
    ga, gb = _pair(grads, "(a.grad, b.grad)")
    if isinstance(ga, torch.Tensor) and torch.allclose(ga.detach(), torch.tensor([36.0, 81.0])):
        raise CheckFailed("a.grad is [36, 81]: that is the weighting (1, 1); "
                          "use gradient=torch.tensor([1., 2.])")
    expect_tensor(ga, shape=(2,), values=[36.0, 162.0], hint="dQ_i/da_i = 9 a_i^2, times the weight of Q_i")
    expect_tensor(gb, shape=(2,), values=[-12.0, -16.0], hint="dQ_i/db_i = -2 b_i, times the weight of Q_i")


@exercise("04.3", points=1, title="the forgotten zero_()")
def _(g):
    expect_tensor(g, shape=(2,), values=[6.0, -6.0],
                  hint="each backward() adds 2w to w.grad; three of them add up to 6w")


@exercise("04.4", points=2, title="detach")
def _(pair):
    g_detached, g_full = _pair(pair, "(gradient with y detached, gradient without detach)")
    expect_tensor(g_detached, shape=(3,), values=[1.0, 4.0, 9.0],
                  hint="with y detached, z = sum(u * x) with a constant u = x^2, so dz/dx = u")
    expect_tensor(g_full, shape=(3,), values=[3.0, 12.0, 27.0],
                  hint="without detach, (y * x).sum() = sum(x^3), so the gradient is 3x^2; "
                       "did you clear x.grad in between?")


@exercise("04.5", points=1, title="sub-derivatives")
def _(subgrads):
    relu_grad, abs_grad = _pair(subgrads, "(relu gradient, abs gradient)")
    expect_tensor(relu_grad, shape=(3,), values=[0.0, 0.0, 1.0], hint="PyTorch uses 0 for relu at 0")
    expect_tensor(abs_grad, shape=(3,), values=[-1.0, 0.0, 1.0], hint="PyTorch uses 0 for abs at 0 (sign(0))")


@exercise("04.6", points=2, title="freeze a layer")
def _(trained):
    if not isinstance(trained, (list, tuple)):
        raise CheckFailed("expected a list of parameter names")
    expect_equal(sorted(trained), ["2.bias", "2.weight"],
                 hint="nn.Sequential names parameters by position: 0.weight, 0.bias, 2.weight, 2.bias "
                      "(1 is the ReLU, which has none)")
