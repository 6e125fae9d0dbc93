"""Checks for chapter 04, calculus and automatic differentiation."""


from . import exercise, expect_equal, expect_pair, expect_tensor, fail


@exercise("04.1", points=1, title="a gradient with autograd")
def _(grad):
    expect_tensor(grad, shape=(3,), values=[-2.0, 1.0, 10.0], atol=1e-5,
                  mistakes=[([0.0, -1.0, 4.0], "those are the values of f, not of its derivative")],
                  hint="make x with requires_grad=True, back-propagate the sum of f over the points, read x.grad")


@exercise("04.2", points=2, title="a non-scalar output")
def _(grads):
    ga, gb = expect_pair(grads, "of tensors: (a.grad, b.grad)")
    weighting = "a.grad is what the weighting (1, 1) gives: pass gradient=torch.tensor([1., 2.]) to backward()"
    expect_tensor(ga, shape=(2,), values=[36.0, 162.0], atol=1e-4, mistakes=[([36.0, 81.0], weighting)],
                  hint="each entry of a.grad is dQ_i/da_i times the weight of Q_i")
    expect_tensor(gb, shape=(2,), values=[-12.0, -16.0], atol=1e-4,
                  mistakes=[([-12.0, -8.0], "b.grad is what the weighting (1, 1) gives: pass the weights as "
                                            "gradient= to backward()")],
                  hint="each entry of b.grad is dQ_i/db_i times the weight of Q_i")


@exercise("04.3", points=1, title="the forgotten zero_()")
def _(g):
    expect_tensor(g, shape=(2,), values=[6.0, -6.0], atol=1e-5,
                  mistakes=[([2.0, -2.0], "that is the gradient of a single backward(): the other calls add to it")],
                  hint="backward() adds the new gradient to what .grad already holds")


@exercise("04.4", points=2, title="detach")
def _(pair):
    g_detached, g_full = expect_pair(pair, "of tensors: (gradient with y detached, gradient without detach)")
    expect_tensor(g_detached, shape=(3,), values=[1.0, 4.0, 9.0], atol=1e-5,
                  hint="with y detached, y is a constant in the product: only the factor x is differentiated")
    expect_tensor(g_full, shape=(3,), values=[3.0, 12.0, 27.0], atol=1e-5,
                  mistakes=[([4.0, 16.0, 36.0], "x.grad still held the first gradient: clear it between the two "
                                                "backward() calls")],
                  hint="without detach, the gradient also flows through y = x²")


@exercise("04.5", points=1, title="sub-derivatives")
def _(subgrads):
    relu_grad, abs_grad = expect_pair(subgrads, "of tensors: (relu gradient, abs gradient)")
    hint = "at exactly 0 neither function has a derivative, and PyTorch picks a value by convention: run it"
    expect_tensor(relu_grad, shape=(3,), values=[0.0, 0.0, 1.0], hint=hint)
    expect_tensor(abs_grad, shape=(3,), values=[-1.0, 0.0, 1.0], hint=hint)


@exercise("04.6", points=2, title="freeze a layer")
def _(trained):
    if not isinstance(trained, (list, tuple)) or not all(isinstance(t, str) for t in trained):
        fail("expected a list of parameter names (strings)")
    frozen = {"0.weight", "0.bias"} & set(trained)
    if frozen:
        fail("your list has parameters of the frozen first layer: did requires_grad_(False) come before the "
             "forward pass and backward()?")
    expect_equal(sorted(trained), ["2.bias", "2.weight"],
                 hint="nn.Sequential names each parameter `<position>.<weight or bias>`; a frozen parameter gets "
                      "no .grad (it stays None)")
