"""Checks for chapter 09, logistic regression and multi-dimensional input."""

import functools
import math

import torch
from torch import nn

from . import exercise, expect_close, expect_pair, fail
from .probes import need_module, run


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


@exercise("09.1", points=1, title="the sigmoid's derivative")
def _(slopes):
    s0, s2 = expect_pair(slopes, "(σ'(0), σ'(2))")
    hint = "evaluate σ at the point first (torch.sigmoid), then use the formula for its derivative"
    not_derivative = "that is σ itself, not its derivative"
    expect_close(s0, 0.25, atol=1e-4, label="σ'(0)", mistakes=[(0.5, not_derivative)], hint=hint)
    s = _sigmoid(2.0)
    expect_close(s2, s * (1 - s), atol=1e-4, label="σ'(2)", mistakes=[(s, not_derivative)], hint=hint)


@exercise("09.2", points=2, title="binary cross-entropy by hand")
def _(bce):
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    expect_close(bce, expected, atol=1e-4, n=3,
                 mistakes=[(-(math.log(0.9) + math.log(0.2) + math.log(0.6)) / 3,
                            "for a label 0 the loss uses the probability of 0, which is 1 − ŷ")],
                 hint="each example's loss is minus the log of the probability the model gives its true label; "
                      "then the mean")


@exercise("09.3", points=1, title="the decision boundary")
def _(boundary):
    expect_close(boundary, 2.5, atol=1e-4, hint="σ(z) > 0.5 exactly when z > 0")


def _split(d):
    return {"split_seed": d.seed(default=0)}


@functools.lru_cache(maxsize=8)
def _reference(split_seed: int):
    """The exercise's split, and a logistic regression trained as the exercise says, on the training rows."""
    from ..data import load_diabetes

    features, labels = load_diabetes()
    perm = torch.randperm(len(features), generator=torch.Generator().manual_seed(split_seed))
    n_test = len(features) // 5
    X_test, y_test = features[perm[:n_test]], labels[perm[:n_test]]
    X_train, y_train = features[perm[n_test:]], labels[perm[n_test:]]
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = nn.Linear(8, 1)
    criterion, opt = nn.BCEWithLogitsLoss(), torch.optim.SGD(net.parameters(), lr=1.0)
    for _ in range(1000):
        loss = criterion(net(X_train), y_train)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        logits = net(X_test)
    majority = 1.0 if y_train.mean() >= 0.5 else 0.0
    return X_test, y_test, logits, (y_test == majority).float().mean().item()


def _probe_094(answer, p):
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        fail("expected (net, test_accuracy, baseline_accuracy)")
    net, test_acc, baseline = answer
    X_test = _reference(p.split_seed)[0]
    return {"logits": run(need_module(net, "your trained network `net`"), X_test), "test_acc": test_acc,
            "baseline": baseline}


@exercise("09.4", points=3, title="beat the baseline on held-out rows", params=_split, probe=_probe_094,
          wants="the tuple (net, test_accuracy, baseline_accuracy), with your trained network `net` itself")
def _(result, p):
    _, y_test, ref_logits, ref_baseline = _reference(p.split_seed)
    logits = result["logits"]
    if not isinstance(logits, torch.Tensor) or logits.numel() != len(y_test):
        fail("your network should give one output (a logit) per row: nn.Linear(8, 1)")
    logits = logits.reshape(-1, 1).double()
    if ((logits >= 0) & (logits <= 1)).all():
        fail("your network's outputs all lie between 0 and 1: it ends in a sigmoid, but BCEWithLogitsLoss wants "
             "logits (leave the sigmoid out)")
    if (logits - ref_logits.double()).abs().max() > 0.05:
        fail("your trained network is not the logistic regression these steps give on the training rows: did "
             "the test rows leak into training, or did the loss, the learning rate or the number of epochs differ?",
             "train on X_train and y_train only: 1,000 full-batch steps of SGD with lr 1.0 and BCEWithLogitsLoss")
    expect_close(result["baseline"], ref_baseline, atol=1e-3, label="the baseline accuracy",
                 hint="find the training set's majority class, then count how often it is right on the test rows")
    acc = ((logits > 0).double() == y_test.double()).double().mean().item()
    acc_half = ((logits > 0.5).double() == y_test.double()).double().mean().item()
    expect_close(result["test_acc"], acc, atol=1e-3, label="the test accuracy",
                 mistakes=[(acc_half, "a logit above 0.5 is not the threshold: predict 1 where the logit is above 0 "
                                      "(the probability above 0.5)")] if abs(acc_half - acc) > 1e-3 else [],
                 hint="the accuracy of your network on the test rows, predicting 1 where the logit is above 0")
