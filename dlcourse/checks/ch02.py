"""Checks for chapter 02, data preprocessing."""

import torch

from . import CheckFailed, exercise, expect_equal, expect_tensor

# The exercises' table (solutions/02_data_preprocessing.ipynb), preprocessed by hand:
# Garage is dropped (4 of 5 missing); Area's mean is (120 + 90 + 150) / 3 = 120,
# Rooms' mean (3 + 2 + 4 + 3) / 4 = 3;
# Roof becomes Roof_Metal, Roof_Tile, Roof_nan.
HOUSES_X = [
    [120.0, 3.0, 0.0, 1.0, 0.0],
    [120.0, 2.0, 0.0, 0.0, 1.0],
    [90.0, 3.0, 1.0, 0.0, 0.0],
    [150.0, 4.0, 0.0, 1.0, 0.0],
    [120.0, 3.0, 0.0, 1.0, 0.0],
]


@exercise("02.1", points=1, title="the column with the most missing values")
def _(name):
    if not isinstance(name, str):
        raise CheckFailed(f"expected a column name (a string), got {type(name).__name__}. "
                          "Hint: houses.isna().sum() counts per column; "
                          ".idxmax() gives the name of the largest")
    expect_equal(name, "Garage", hint="houses.isna().sum().idxmax()")


@exercise("02.2", points=3, title="delete, impute, encode, convert")
def _(X):
    if isinstance(X, torch.Tensor) and tuple(X.shape) == (5, 6):
        raise CheckFailed("expected 5 columns, got 6: did you delete the column with the most missing values "
                          "(and leave out Price)?")
    if isinstance(X, torch.Tensor) and tuple(X.shape) == (5, 4):
        raise CheckFailed("expected 5 columns, got 4: pass dummy_na=True so that 'missing' gets a column")
    expect_tensor(X, shape=(5, 5), dtype=torch.float32, values=HOUSES_X,
                  hint="columns Area, Rooms (NaN -> column mean), Roof_Metal, Roof_Tile, Roof_nan; "
                       "inputs.fillna(inputs.mean(numeric_only=True)), "
                       "then pd.get_dummies(..., dummy_na=True)")


@exercise("02.3", points=1, title="the dtype of a mixed table")
def _(kind):
    if not isinstance(kind, str):
        kind = str(kind)
    expect_equal(kind, "object", hint="float64 and bool have no common numeric type in NumPy")


@exercise("02.4", points=2, title="view or copy")
def _(a):
    expect_tensor(a, shape=(6,), values=[0, 50, 2, 3, 4, 5],
                  hint="v is a view of a (shared memory); reshaping a transpose copies, so r is not")
