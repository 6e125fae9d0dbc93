"""Checks for chapter 10, datasets and DataLoader."""

from . import CheckFailed, exercise, expect_close, expect_equal


@exercise("10.1", points=1, title="epochs, batches, iterations")
def _(counts):
    if not isinstance(counts, (tuple, list)) or len(counts) != 3:
        raise CheckFailed("expected three numbers (a, b, c)")
    expect_equal(tuple(int(c) for c in counts), (16, 15, 160),
                 hint="ceil(1000 / 64) batches, the last one with 40 examples; drop_last drops that one")


@exercise("10.2", points=2, title="your own Dataset")
def _(batches):
    expected = [[0.0, 1.0, 4.0, 9.0], [16.0, 25.0, 36.0, 49.0], [64.0, 81.0]]
    if not isinstance(batches, list):
        raise CheckFailed("expected a list of label batches")
    got = [[float(v) for v in b] for b in batches]
    expect_equal(got, expected, hint="__len__ returns 10; __getitem__(i) returns (i, i * i) as float tensors")


@exercise("10.3", points=2, title="the Titanic's missing values")
def _(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise CheckFailed("expected ((age, deck, embarked), median_age)")
    missing, median_age = answer
    if not isinstance(missing, (tuple, list)):
        raise CheckFailed("expected the missing counts as a tuple (age, deck, embarked)")
    expect_equal(tuple(int(m) for m in missing), (177, 688, 2), hint="df.isna().sum() counts the missing values")
    expect_close(median_age, 29.0, atol=1e-6, hint="28 is the median over all passengers; take it over "
                 "df.iloc[train_rows]['age'] only")


@exercise("10.4", points=3, title="a Titanic model of your own")
def _(test_acc):
    expect_close(test_acc, 0.5, atol=0.5, hint="an accuracy is a number between 0 and 1")
    if test_acc < 0.75:
        raise CheckFailed(f"test accuracy {test_acc:.3f} is below 0.75. Hint: use sex and pclass (one-hot), "
                          "fill the missing ages, scale the features, and train long enough")
    if test_acc > 0.95:
        raise CheckFailed(f"test accuracy {test_acc:.3f} is too good to be true: is the label (or `alive`) "
                          "among your features?")
