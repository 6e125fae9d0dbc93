"""Checks for chapter 01, tensors and data manipulation."""

import torch

from . import exercise, expect_equal, expect_pair, expect_tensor


@exercise("01.1", points=1, title="a float matrix from arange")
def _(M):
    expect_tensor(M, shape=(3, 4), dtype=torch.float32, values=torch.arange(12.0).reshape(3, 4),
                  hint="arange can be told the dtype; reshape gives the rows")


@exercise("01.2", points=1, title="a broadcast shape")
def _(shape):
    expect_equal(shape, (2, 4, 3), hint="align the shapes from the right; sizes must be equal or 1")


@exercise("01.3", points=2, title="slicing rows and columns")
def _(S):
    X = torch.arange(20).reshape(4, 5)
    expect_tensor(S, shape=(2, 2), values=X[::2, -2:],
                  hint="a step of 2 picks every second row; negative indices count from the end")


@exercise("01.4", points=1, title="stack versus cat")
def _(shapes):
    shapes = expect_pair(shapes, "(shape after stack, shape after cat)")
    expect_equal(shapes, ((3, 2, 4), (3, 8)), hint="stack adds a new dimension at `dim`; cat grows an existing one")


@exercise("01.5", points=2, title="shared memory with NumPy")
def _(t):
    expect_tensor(t, shape=(3,), dtype=torch.float64, values=[2.0, 2.0, 2.0],
                  mistakes=[([1.0, 1.0, 1.0], "your tensor still holds the values from before `a += 1`, so it is "
                                              "a copy with memory of its own")],
                  hint="a tensor that shares the array's memory sees `a += 1`; which way of making it shares?")
