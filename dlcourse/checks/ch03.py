"""Checks for chapter 03, linear algebra."""

import torch

from . import CheckFailed, exercise, expect_close, expect_equal, expect_tensor


@exercise("03.1", points=1, title="rows that add up to 1")
def _(P):
    A = torch.arange(1.0, 13.0).reshape(3, 4)
    expect_tensor(P, shape=(3, 4), values=A / A.sum(axis=1, keepdims=True),
                  hint="A.sum(axis=1, keepdims=True) has shape (3, 1) and broadcasts over the columns")


@exercise("03.2", points=1, title="which axis disappears")
def _(shapes):
    if not isinstance(shapes, (list, tuple)) or len(shapes) != 4:
        raise CheckFailed("expected a list of four shapes")
    got = [tuple(s) for s in shapes]
    expect_equal(got, [(3, 4), (2, 4), (3,), (2, 1, 4)],
                 hint="the summed axes disappear, unless keepdims=True keeps them with size 1")


@exercise("03.3", points=2, title="three norms")
def _(norms):
    if not isinstance(norms, (list, tuple)) or len(norms) != 3:
        raise CheckFailed("expected three numbers: (L1 of v, L2 of v, Frobenius of M)")
    expect_close(norms[0], 19.0, atol=1e-4, hint="L1: the sum of absolute values, 3 + 4 + 12")
    expect_close(norms[1], 13.0, atol=1e-4,
                 hint="L2: the square root of the sum of squares, sqrt(9 + 16 + 144)")
    expect_close(norms[2], 4.0, atol=1e-4,
                 hint="Frobenius: the square root of the sum of all squared entries")


@exercise("03.4", points=2, title="a permutation matrix")
def _(P):
    expect_tensor(P, shape=(3, 3), dtype=torch.float32,
                  values=[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                  hint="row i of P picks the element that should land in position i: row 0 picks element 2")


@exercise("03.5", points=2, title="an eigenvector")
def _(e):
    expect_tensor(e, shape=(2,), hint="a vector of two numbers")
    e = e.detach().to(torch.float64)
    if abs(torch.norm(e).item() - 1) > 1e-4:
        raise CheckFailed(f"expected a unit vector, but its L2 norm is {torch.norm(e).item():.4g}: "
                          "divide by it")
    B = torch.tensor([[4.0, 1.0], [2.0, 3.0]], dtype=torch.float64)
    if not torch.allclose(B @ e, 5.0 * e, atol=1e-4):
        raise CheckFailed("B @ e is not 5 * e: the largest eigenvalue of B is 5, "
                          "with direction (1, 1)/sqrt(2)")


@exercise("03.6", points=1, title="positive definite or not")
def _(answers):
    if not isinstance(answers, (list, tuple)) or len(answers) != 3:
        raise CheckFailed("expected a list of three booleans")
    expect_equal([bool(a) for a in answers], [True, False, False],
                 hint="eigenvalues 1 and 3; -1 and 3; 0 and 1: positive definite needs all of them > 0")
