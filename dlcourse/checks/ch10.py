"""Checks for chapter 10, datasets and DataLoader."""

import functools

import torch

from . import exercise, expect_close, expect_equal, expect_int, expect_items, expect_tensor, fail
from .probes import need_class


@exercise("10.1", points=1, title="epochs, batches, iterations")
def _(counts):
    a, b, c = expect_items(counts, 3, "three numbers (a, b, c)")
    hint = ("a partial last batch is still an iteration, unless drop_last=True drops it; the number of updates is "
            "the iterations per epoch times the epochs")
    expect_int(a, 16, label="a (iterations per epoch, drop_last=False)", hint=hint)
    expect_int(b, 15, label="b (iterations per epoch, drop_last=True)", hint=hint)
    expect_int(c, 160, label="c (updates in 10 epochs)", hint=hint)


def _dataset(d):
    return {"_n": d.integer(5, 23, default=10), "_batch_size": d.integer(3, 6, default=4)}


def _probe_102(answer, p):
    from torch.utils.data import DataLoader, Dataset

    cls = need_class(answer, Dataset, "your Dataset class `Squares`")
    ds = cls(p._n)
    batches = [[float(v) for v in y.flatten().tolist()] for _, y in DataLoader(ds, batch_size=p._batch_size)]
    xs = [[float(v) for v in x.flatten().tolist()] for x, _ in DataLoader(ds, batch_size=p._batch_size)]
    return {"len": len(ds), "labels": batches, "inputs": xs}


@exercise("10.2", points=2, title="your own Dataset", params=_dataset, probe=_probe_102,
          wants="your Dataset class `Squares` itself")
def _(result, p):
    hint = "__len__ gives the number of examples, n; __getitem__(i) gives example i as a pair of float tensors"
    expect_int(result["len"], p._n, label=f"len(Squares({p._n}))", hint=hint)
    n, b = p._n, p._batch_size
    expect_equal(result["inputs"], [[float(i) for i in range(s, min(s + b, n))] for s in range(0, n, b)],
                 hint=hint)
    expect_equal(result["labels"], [[float(i * i) for i in range(s, min(s + b, n))] for s in range(0, n, b)],
                 hint=hint)


def _split(d):
    return {"split_seed": d.seed(default=0)}


@functools.lru_cache(maxsize=8)
def titanic_split(split_seed: int):
    """(the passengers, test rows, training rows), split as the exercises split them."""
    from ..data import load_titanic

    df = load_titanic()
    perm = torch.randperm(len(df), generator=torch.Generator().manual_seed(split_seed))
    n_test = len(df) // 5
    return df, perm[:n_test].tolist(), perm[n_test:].tolist()


@exercise("10.3", points=2, title="the Titanic's missing values", params=_split)
def _(answer, p):
    missing, median_age, mean_age = expect_items(answer, 3, "the triple ((age, deck, embarked), median_age, mean_age)")
    age, deck, embarked = expect_items(missing, 3, "the missing counts as a tuple (age, deck, embarked)")
    df, _, train_rows = titanic_split(p.split_seed)
    na = df.isna().sum()
    for label, got in (("age", age), ("deck", deck), ("embarked", embarked)):
        expect_int(got, int(na[label]), label=f"the missing count of {label}",
                   hint="df.isna().sum() counts the missing values of every column")
    ref = float(df.iloc[train_rows]["age"].median())
    overall = float(df["age"].median())
    expect_close(median_age, ref, atol=1e-6, label="the median age",
                 mistakes=[(overall, "that is the median over all passengers, test rows included: take it over "
                                     "the training rows only")] if overall != ref else [],
                 hint="df.iloc[train_rows]['age'] holds the training passengers' ages; median() skips the gaps")
    ages = df.iloc[train_rows]["age"]
    expect_close(mean_age, float(ages.mean()), atol=1e-4, label="the mean age",
                 mistakes=[(float(df["age"].mean()), "that is the mean over all passengers, test rows included: "
                                                      "take it over the training rows only"),
                           (float(ages.fillna(0).mean()), "the missing ages counted as 0: average the known ages")],
                 hint="mean() of the training passengers' ages skips the gaps")


@exercise("10.4", points=3, title="a Titanic model of your own", params="10.3")
def _(test_pred, p):
    df, test_rows, _ = titanic_split(p.split_seed)
    if isinstance(test_pred, list):
        test_pred = torch.tensor(test_pred)
    expect_tensor(test_pred, shape=(len(test_rows),),
                  hint="one 0/1 prediction per test row, in the order of test_rows")
    pred = test_pred.detach().flatten().double()
    if not ((pred == 0) | (pred == 1)).all():
        fail("expected predictions of 0 or 1 (survived or not), not probabilities or logits",
             "predict 1 where your model's probability is above 0.5 (its logit above 0)")
    y = torch.tensor(df["survived"].to_numpy()[test_rows], dtype=torch.float64)
    acc = (pred == y).double().mean().item()
    if acc < 0.75:
        fail(f"your predictions' test accuracy is {acc:.3f}, below 0.75",
             "use sex and pclass (one-hot), fill the missing ages with the training median, scale the features, "
             "and train long enough")
    if acc > 0.95:
        fail(f"your predictions' test accuracy is {acc:.3f}: too good to be true. Is the label (or `alive`, the "
             "label in words) among your features?")
