"""Checks for chapter 24, classifying names by country with a recurrent network."""

import collections
import functools
import random

import torch

from . import exercise, expect_close, expect_equal, expect_pair, expect_tensor, fail
from .probes import call, layers, need_callable, need_module, run


def encode_names(names):
    """Padded ASCII codes (batch, longest) and the lengths (a list): the encoding of exercise 24.1."""
    lengths = [len(n) for n in names]
    padded = torch.zeros(len(names), max(lengths), dtype=torch.long)
    for i, n in enumerate(names):
        padded[i, :len(n)] = torch.tensor([ord(c) for c in n])
    return padded, lengths


def _names(d):
    rng = random.Random(d.seed(default=24))
    letters = "abcdefghijklmnopqrstuvwxyz"

    def name():
        return rng.choice("ABCDEFGHKLMNOPRSTVW") + "".join(rng.choice(letters) for _ in range(rng.randint(0, 8)))

    batches = [["Li", "Adam", "Bo"]]
    for _ in range(2):
        batches.append([name() for _ in range(rng.randint(2, 6))])
    return {"_batches": batches}


def _probe_241(answer, p):
    f = need_callable(answer, "your function `encode`")
    out = []
    for names in p._batches:
        result = call(f, list(names))
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            fail("encode(names) should return the pair (padded, lengths)")
        padded, lengths = result
        out.append([torch.as_tensor(padded).detach(), [int(v) for v in torch.as_tensor(lengths).flatten().tolist()]])
    return out


@exercise("24.1", points=2, title="codes and padding", params=_names, probe=_probe_241,
          wants="your function `encode` itself")
def _(results, p):
    if not isinstance(results, list) or len(results) != len(p._batches):
        fail("encode should return (padded, lengths) for every batch of names")
    for names, (padded, lengths) in zip(p._batches, results):
        expected, true_lengths = encode_names(names)
        left = torch.zeros_like(expected)
        for i, n in enumerate(names):
            left[i, expected.shape[1] - len(n):] = torch.tensor([ord(c) for c in n])
        expect_tensor(padded, shape=tuple(expected.shape), dtype=torch.int64, values=expected,
                      mistakes=[(left, "the names are padded on the left: pad on the right")],
                      hint="one row per name: the ord() codes of its characters, then zeros up to the longest name")
        expect_equal(lengths, true_lengths, hint="the length of each name, before padding")


def _test_subset(d):
    """The test rows to score: all of them in the learner's notebook; under the grader, a random part of them
    whose baseline differs from the whole test set's."""
    if not d.fresh:
        return {"test_rows": list(range(6700))}
    rng = random.Random(d.seed())
    whole = _baseline(range(6700))
    while True:
        rows = sorted(rng.sample(range(6700), rng.randint(1500, 3500)))
        if abs(_baseline(rows) - whole) > 0.002:
            return {"test_rows": rows}


def _baseline(rows) -> float:
    train_most = collections.Counter(c for _, c in _rows("train")).most_common(1)[0][0]
    test = _rows("test")
    return sum(test[i][1] == train_most for i in rows) / len(rows)


@functools.lru_cache(maxsize=2)
def _rows(split: str):
    from ..data import load_names

    return load_names(split)


@exercise("24.2", points=1, title="the majority baseline", params=_test_subset)
def _(baseline, p):
    expect_close(baseline, _baseline(p.test_rows), atol=1e-4,
                 hint="find the most frequent country of the training rows, then the fraction of the chosen test "
                      "rows that have it")


def _labels(d):
    rng = random.Random(d.seed(default=243))
    cases = [([0, 0, 0, 0, 0, 0, 1, 1, 2, 2], [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])]
    for _ in range(2):
        k, n = rng.randint(2, 5), rng.randint(8, 20)
        y_true = [rng.randrange(k) for _ in range(n)]
        cases.append((y_true, [t if rng.random() < 0.6 else rng.randrange(k) for t in y_true]))
    return {"_cases": cases}


def _balanced(y_true, y_pred):
    recalls = []
    for c in sorted(set(y_true)):
        idx = [i for i, t in enumerate(y_true) if t == c]
        recalls.append(sum(y_pred[i] == c for i in idx) / len(idx))
    return sum(recalls) / len(recalls)


def _probe_243(answer, p):
    f = need_callable(answer, "your function `balanced_accuracy`")
    return [f(list(t), list(q)) for t, q in p._cases]


@exercise("24.3", points=2, title="balanced accuracy", params=_labels, probe=_probe_243,
          wants="your function `balanced_accuracy` itself")
def _(values, p):
    for (y_true, y_pred), got in zip(p._cases, values):
        plain = sum(t == q for t, q in zip(y_true, y_pred)) / len(y_true)
        expected = _balanced(y_true, y_pred)
        expect_close(got, expected, atol=1e-6,
                     mistakes=[(plain, "that is the plain accuracy")] if abs(plain - expected) > 1e-6 else [],
                     hint="for every class that occurs in y_true, the fraction of its examples predicted as that "
                          "class; then the mean of those fractions")


@exercise("24.4", points=2, title="sampling temperature")
def _(probs):
    z = torch.tensor([2.0, 1.0, 0.1])
    expect_tensor(probs, shape=(3,), values=torch.softmax(z / 0.5, dim=0), atol=1e-5,
                  mistakes=[(torch.softmax(z * 0.5, dim=0), "the scores were multiplied by T; a low temperature "
                                                             "sharpens the distribution")],
                  hint="the temperature rescales the scores before the softmax; a low temperature sharpens the "
                       "distribution")


@exercise("24.5", points=1, title="which rows of hn")
def _(rows):
    forward, backward = expect_pair(rows, "(forward_row, backward_row)")
    expect_equal([forward, backward], [4, 5],
                 hint="hn stacks one row per (layer, direction): layer by layer, forward before backward, from 0")


# ---- 24.6: an LSTM on names of a few countries --------------------------------------------------------

POOL = ("Chinese", "Czech", "Dutch", "French", "German", "Greek", "Irish", "Italian", "Japanese", "Spanish",
        "Russian", "English")


def _clean(name: str) -> str:
    return name.strip().rstrip(",").strip()


@functools.lru_cache(maxsize=4)
def lstm_data(countries: tuple, seed: int):
    """(training names, training labels, unseen test names, their labels) for ``countries``.

    Up to 150 distinct training names per country; the test names are names of the test split that do not
    occur in the training split at all (up to 50 per country), so the model is judged on names it never saw.
    """
    train = [(_clean(n), c) for n, c in _rows("train") if c in countries and n != "To The First Page"]
    test = [(_clean(n), c) for n, c in _rows("test") if c in countries]
    seen = {_clean(n) for n, _ in _rows("train")}
    rng = random.Random(seed)
    names, labels, test_names, test_labels = [], [], [], []
    for k, c in enumerate(countries):
        pool = sorted({n for n, x in train if x == c})
        rng.shuffle(pool)
        names += pool[:150]
        labels += [k] * len(pool[:150])
        unseen = sorted({n for n, x in test if x == c} - seen)
        rng.shuffle(unseen)
        test_names += unseen[:50]
        test_labels += [k] * len(unseen[:50])
    order = list(range(len(test_names)))
    rng.shuffle(order)  # not sorted by country: recorded predictions cannot be reused for other countries
    return names, labels, [test_names[i] for i in order], [test_labels[i] for i in order]


def _countries(d):
    countries = tuple(d.sample(POOL, 4, default=["Chinese", "Greek", "Italian", "Japanese"]))
    seed = d.seed(default=246)
    names, labels, _, _ = lstm_data(countries, seed)
    return {"countries": list(countries), "names": list(names), "labels": list(labels), "_seed": seed}


def _probe_246(answer, p):
    net = need_module(answer, "your trained network `net`")
    _, _, test_names, _ = lstm_data(tuple(p.countries), p._seed)
    padded, lengths = encode_names(test_names)
    out = run(net, padded, torch.tensor(lengths))
    return {"out": out, "layers": [layer["type"] for layer in layers(net)]}


@exercise("24.6", points=3, title="an LSTM names classifier", params=_countries, probe=_probe_246,
          wants="your trained network `net` itself")
def _(result, p):
    if "LSTM" not in result["layers"]:
        fail("your network has no nn.LSTM layer", "the exercise asks for an LSTM where the chapter used a GRU")
    out = result["out"]
    _, _, _, test_labels = lstm_data(tuple(p.countries), p._seed)
    y = torch.tensor(test_labels)
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (len(y), len(p.countries)):
        fail(f"for a batch of names, net(padded, lengths) should give one score per country: shape (batch, "
             f"{len(p.countries)})")
    acc = (out.argmax(dim=1) == y).double().mean().item()
    if acc < 0.5:
        fail(f"on {len(y)} names it never saw, your network's accuracy is {acc:.3f}, below 0.5 (guessing gives "
             f"{1 / len(p.countries):.2f})",
             "train for more epochs, shuffle the names every epoch, and read the LSTM's last hidden state with "
             "pack_padded_sequence so that the padding does not count")
