"""Checks for chapter 02, data preprocessing."""

import io
import random

import torch

from . import exercise, expect_equal, expect_tensor, fail

# The exercises' table in the learner's notebook. In both numeric columns the mean of the known values
# differs from their median, so mean and median imputation give different answers.
DEFAULT_CSV = """Area,Rooms,Roof,Garage,Price
120,3,Tile,NA,250000
NA,2,NA,NA,180000
95,NA,Metal,Yes,210000
160,5,Tile,NA,320000
NA,3,Tile,NA,260000
"""
COLUMNS = ("Area", "Rooms", "Roof", "Garage")


def _table(d):
    """Five houses; under the grader another table, in which another column has the most gaps."""
    if not d.fresh:
        return {"csv_text": DEFAULT_CSV}
    rng = random.Random(d.seed())
    while True:
        # one column has the most missing values, and it is not the default table's (Garage)
        most = rng.choice(COLUMNS[:3])
        gaps = {most: 3, **dict(zip(rng.sample([c for c in COLUMNS if c != most], 3), (2, 1, 1)))}
        rows = []
        for _ in range(5):
            rows.append([str(rng.randrange(60, 205, 5)), str(rng.randint(1, 6)), rng.choice(["Tile", "Metal", "Slate"]),
                         rng.choice(["Yes", "No"]), str(rng.randrange(100_000, 400_000, 1000))])
        for col, k in gaps.items():
            j = COLUMNS.index(col)
            for i in rng.sample(range(5), k):
                rows[i][j] = "NA"
        csv_text = "Area,Rooms,Roof,Garage,Price\n" + "\n".join(",".join(r) for r in rows) + "\n"
        houses = _read(csv_text)
        kept = houses.drop(columns=["Price", _most_missing(houses)])
        numeric = kept.select_dtypes("number")
        if all(abs(numeric[c].mean() - numeric[c].median()) > 1e-6 for c in numeric) and \
                all(kept[c].notna().sum() >= 2 for c in kept):
            return {"csv_text": csv_text}


def _read(csv_text):
    import pandas as pd

    return pd.read_csv(io.StringIO(csv_text))


def _most_missing(houses) -> str:
    return str(houses.isna().sum().idxmax())


def _inputs(csv_text, fill="mean", dummy_na=True, drop=True):
    import pandas as pd

    houses = _read(csv_text)
    inputs = houses.drop(columns=["Price", _most_missing(houses)] if drop else ["Price"])
    if fill == "mean":
        inputs = inputs.fillna(inputs.mean(numeric_only=True))
    elif fill == "median":
        inputs = inputs.fillna(inputs.median(numeric_only=True))
    else:
        inputs = inputs.fillna({c: fill for c in inputs.select_dtypes("number")})
    inputs = pd.get_dummies(inputs, dummy_na=dummy_na)
    return torch.tensor(inputs.to_numpy(dtype=float), dtype=torch.float32)


@exercise("02.1", points=1, title="the column with the most missing values", params=_table)
def _(name, p):
    if not isinstance(name, str):
        fail(f"expected a column name (a string), got {type(name).__name__}",
             "count the missing values per column with pandas, then ask which column has the largest count")
    expect_equal(name, _most_missing(_read(p.csv_text)),
                 hint="count the missing values of every column with pandas and take the column whose count is "
                      "largest (not its count, its name)")


@exercise("02.2", points=3, title="delete, impute, encode, convert", params="02.1")
def _(X, p):
    expected = _inputs(p.csv_text)
    if isinstance(X, torch.Tensor) and X.ndim == 2 and X.shape[0] == expected.shape[0]:
        if X.shape[1] > expected.shape[1]:
            fail("your table has more columns than it should: did you delete the column with the most missing "
                 "values, leave out Price, and encode each categorical column once?")
        if X.shape[1] < expected.shape[1]:
            fail("your table has fewer columns than it should: does get_dummies give 'missing' a column of its "
                 "own (dummy_na=True)?")
    mistakes = [(_inputs(p.csv_text, fill="median"), "the gaps were filled with the median, not the mean"),
                (_inputs(p.csv_text, fill=0), "the numeric gaps were filled with 0, not with the column's mean")]
    expect_tensor(X, shape=tuple(expected.shape), dtype=torch.float32, values=expected, atol=1e-4,
                  mistakes=[(v, why) for v, why in mistakes if v.shape == expected.shape],
                  hint="fill each numeric column's gaps with that column's mean (of the known values), then "
                       "one-hot encode with a column for 'missing'; keep pandas' column order")


@exercise("02.3", points=1, title="the dtype of a mixed table")
def _(kind):
    if not isinstance(kind, str):
        fail(f"expected the dtype's name as a string (str(dtype)), got {type(kind).__name__}")
    expect_equal(kind.strip(), "object",
                 hint="NumPy needs one dtype for the whole array: is there a numeric type that holds both "
                      "float64 and bool values exactly?")


@exercise("02.4", points=2, title="view or copy")
def _(a):
    expect_tensor(a, shape=(6,), values=[0, 50, 2, 3, 4, 5],
                  mistakes=[([-1, 50, 2, 3, 4, 5], "in your prediction `r[0] = -1` reached `a`: does reshaping a "
                                               "transposed tensor give a view of the same memory?"),
                            ([0, 1, 2, 3, 4, 5], "in your prediction `v[0, 1] = 50` did not reach `a`: is a "
                                             "view a copy?"),
                            ([-1, 1, 2, 3, 4, 5], "in your prediction only `r` changed `a`: which of `v` and `r` "
                                              "shares a's memory?")],
                  hint="a view shares memory with its tensor; reshape shares it only when the elements are already "
                       "laid out in the new order (a transpose is not)")
