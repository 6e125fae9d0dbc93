"""Evaluating a trained model, with d2l's names: ``evaluate_loss`` (ch13), ``predict_ch3`` (ch11) and
``evaluate_accuracy_gpu`` (ch17)."""

from __future__ import annotations

import torch
from torch import nn

from .data import get_fashion_mnist_labels
from .plot import show_images
from .train import Accumulator, accuracy


def evaluate_loss(net, data_iter, loss):
    """The mean of ``loss`` over every example of ``data_iter`` (d2l's ``evaluate_loss``).

    ``loss`` must return one value per example (``reduction='none'``, or a from-scratch loss).
    """
    metric = Accumulator(2)  # sum of losses, number of losses
    with torch.no_grad():  # d2l's version tracks gradients it never uses
        for X, y in data_iter:
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)
            metric.add(l.sum(), l.numel())
    return metric[0] / metric[1]


def predict_ch3(net, test_iter, n=6):
    """Show the first ``n`` images of ``test_iter`` with their true and predicted labels (d2l's ``predict_ch3``)."""
    X, y = next(iter(test_iter))
    trues = get_fashion_mnist_labels(y)
    preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
    titles = [true + "\n" + pred for true, pred in zip(trues, preds)]
    show_images(X[0:n].reshape((n, 28, 28)), 1, n, titles=titles[0:n])


def evaluate_accuracy_gpu(net, data_iter, device=None):
    """Accuracy of ``net`` on ``data_iter``, computed on ``device`` (default: where the model's parameters are).

    d2l's ``evaluate_accuracy_gpu``; it leaves the model in eval mode, as d2l's does.
    """
    if isinstance(net, nn.Module):
        net.eval()
        if not device:
            device = next(iter(net.parameters())).device
    metric = Accumulator(2)  # correct predictions, predictions
    with torch.no_grad():
        for X, y in data_iter:
            if isinstance(X, list):  # e.g. BERT's inputs
                X = [x.to(device) for x in X]
            else:
                X = X.to(device)
            y = y.to(device)
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]
