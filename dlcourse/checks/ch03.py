"""Checks for chapter 03, linear algebra."""

import torch

from . import as_number, exercise, expect_close, expect_equal, expect_items, expect_tensor, fail


@exercise("03.1", points=1, title="rows that add up to 1")
def _(P):
    A = torch.arange(1.0, 13.0).reshape(3, 4)
    expect_tensor(P, shape=(3, 4), values=A / A.sum(axis=1, keepdims=True), atol=1e-5,
                  mistakes=[(A / A.sum(axis=0, keepdims=True), "each column adds up to 1, not each row: sum "
                                                                "along the other axis")],
                  hint="divide by a column of row sums: keep the summed axis (keepdims) so that the shapes "
                       "broadcast row by row")


@exercise("03.2", points=1, title="which axis disappears")
def _(shapes):
    shapes = expect_items(shapes, 4, "a list of four shapes")
    expect_equal(shapes, [(3, 4), (2, 4), (3,), (2, 1, 4)],
                 hint="the summed axes disappear, unless keepdims=True keeps them with size 1")


@exercise("03.3", points=2, title="three norms")
def _(norms):
    norms = expect_items(norms, 3, "three numbers: (L1 of v, L2 of v, Frobenius of M)")
    expect_close(norms[0], 19.0, atol=1e-4, label="the L1 norm of v",
                 mistakes=[(11.0, "the negative entry counted with its sign: the L1 norm adds absolute values")],
                 hint="the L1 norm adds up the absolute values of the entries")
    expect_close(norms[1], 13.0, atol=1e-4, label="the L2 norm of v",
                 hint="the L2 norm is the square root of the sum of the squared entries")
    expect_close(norms[2], 4.0, atol=1e-4, label="the Frobenius norm of M",
                 hint="the Frobenius norm treats the matrix as one long vector of entries: it is their L2 norm")


@exercise("03.4", points=2, title="a permutation matrix")
def _(P):
    expect_tensor(P, shape=(3, 3), dtype=torch.float32,
                  values=[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                  hint="row i of P picks, with a single 1, the element of the input that should land in position i")


@exercise("03.5", points=2, title="an eigenvector")
def _(e):
    expect_tensor(e, shape=(2,), hint="a vector of two (real) numbers")
    e = e.detach().to(torch.float64)
    norm = torch.norm(e).item()
    if abs(norm - 1) > 1e-4:
        fail(f"e is not a unit vector: its L2 norm is {norm:.4g}", "divide the eigenvector by its norm")
    B = torch.tensor([[4.0, 1.0], [2.0, 3.0]], dtype=torch.float64)
    lam = (e @ B @ e).item()
    if not torch.allclose(B @ e, lam * e, atol=1e-4):
        fail("B @ e is not a multiple of e: e is not an eigenvector of B",
             "torch.linalg.eig(B) returns the eigenvalues and, in the *columns* of its second result, the "
             "eigenvectors")
    if lam < 3:
        fail("e is an eigenvector, but of the smaller eigenvalue",
             "pick the column that belongs to the largest eigenvalue")


@exercise("03.6", points=1, title="positive definite or not")
def _(answers):
    answers = expect_items(answers, 3, "a list of three booleans")
    got = [as_number(a) if not isinstance(a, bool) else a for a in answers]
    if not all(isinstance(a, bool) or a in (0, 1) for a in got):
        fail("expected three booleans (True or False)")
    expect_equal([bool(a) for a in got], [True, False, False],
                 hint="a symmetric matrix is positive definite when every eigenvalue is > 0 (not ≥ 0); "
                      "torch.linalg.eigvalsh gives them")
