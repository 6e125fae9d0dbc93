"""Hand-written parameter updates with d2l's names: mini-batch SGD (chapter 08) and gradient clipping (ch23)."""

from __future__ import annotations

import torch
from torch import nn


def sgd(params, lr, batch_size):
    """One step of mini-batch SGD on summed gradients, then zero them (d2l's ``sgd``).

    The gradients were summed over the batch (``l.sum().backward()``), hence the division by ``batch_size``.
    """
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def grad_clipping(net, theta):
    """Scale all gradients down so that their joint L2 norm is at most ``theta`` (d2l's ``grad_clipping``).

    ``net`` is an ``nn.Module`` or any object with a ``params`` list (a model written from scratch).
    """
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
