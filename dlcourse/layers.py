"""Convolutional building blocks with d2l's names: 2-D cross-correlation (chapter 16) and the residual block (ch21)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def corr2d(X, K):
    """2-D cross-correlation of a matrix ``X`` with a kernel ``K``, no padding, stride 1 (d2l's ``corr2d``)."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


class Residual(nn.Module):
    """ResNet's residual block (d2l's ``Residual``): two 3×3 convolutions with batch norm, plus the input.

    ``use_1x1conv`` adds a 1×1 convolution on the shortcut, so the input can change its channels or,
    with ``strides`` > 1, its height and width to match the block's output.
    """

    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)
