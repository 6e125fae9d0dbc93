"""Checks for chapter 24, classifying names by country with a GRU."""

import torch

from . import exercise, expect_close, expect_equal, expect_pair, expect_tensor


@exercise("24.1", points=2, title="codes and padding")
def _(answer):
    answer = expect_pair(answer, "(padded, lengths)")
    padded, lengths = answer
    expected = torch.tensor([[76, 105, 0, 0], [65, 100, 97, 109], [66, 111, 0, 0]])
    expect_tensor(padded, shape=(3, 4), dtype=torch.int64, values=expected,
                  hint="ord(c) for each character, zeros on the right up to the longest name")
    if isinstance(lengths, torch.Tensor):
        lengths = lengths.tolist()
    expect_equal(list(lengths), [2, 4, 2], hint="the true lengths, before padding")


@exercise("24.2", points=1, title="the majority baseline")
def _(baseline):
    expect_close(baseline, 3136 / 6700, atol=1e-4,
                 hint="Russian is the most frequent training country; count it among the 6,700 test rows")


@exercise("24.3", points=2, title="balanced accuracy")
def _(bal):
    expect_close(bal, (1.0 + 0.5 + 0.0) / 3, atol=1e-6,
                 hint="per-class recall: class 0 is 6/6, class 1 is 1/2, class 2 is 0/2; then the mean")


@exercise("24.4", points=2, title="sampling temperature")
def _(probs):
    expected = torch.softmax(torch.tensor([2.0, 1.0, 0.1]) / 0.5, dim=0)
    expect_tensor(probs, shape=(3,), values=expected, atol=1e-5, hint="softmax(z / T)")


@exercise("24.5", points=1, title="which rows of hn")
def _(rows):
    if isinstance(rows, list):
        rows = tuple(rows)
    expect_equal(rows, (4, 5), hint="rows are ordered layer by layer, forward (2*layer) then backward (2*layer+1)")
