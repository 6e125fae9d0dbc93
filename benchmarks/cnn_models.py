"""The networks of chapters 16-22 and their lite configurations, for ``bench_vs_d2l.py``.

The constructors are copies of the ones in the chapter notebooks (a notebook cannot be imported); keep them
in step when a chapter changes its network or its lite preset. Each entry of ``LITE_CONFIGS`` holds what
the benchmark needs: the constructor, the input size (``resize``; None = 28), the batch size, the learning
rate and the optimizer's momentum.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


# ---- chapter 17 ----------------------------------------------------------------------------------------
def lenet(activation=nn.Sigmoid, pool=nn.AvgPool2d):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), activation(), pool(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), activation(), pool(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), activation(),
        nn.Linear(120, 84), activation(),
        nn.Linear(84, 10))


class LiuBasicCNN(nn.Module):
    """刘二大人 lecture 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.pooling = nn.MaxPool2d(2)
        self.fc = nn.Linear(320, 10)

    def forward(self, x):
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        return self.fc(x.flatten(1))


def homework_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=3), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(20, 30, kernel_size=3, padding=1), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(270, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


# ---- chapter 22 ----------------------------------------------------------------------------------------
def bn_lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2, stride=2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10))


# ---- chapter 18 (AlexNet, lite: widths / 4, 3x3 stride-1 first layer on 28x28) ---------------------------
def alexnet(ratio=1, small_input=False):
    c1, c2, c3, fc = 96 // ratio, 256 // ratio, 384 // ratio, 4096 // ratio
    if small_input:
        first, side = nn.Conv2d(1, c1, kernel_size=3, padding=1), 2
    else:
        first, side = nn.Conv2d(1, c1, kernel_size=11, stride=4, padding=1), 5
    return nn.Sequential(
        first, nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(c1, c2, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(c2, c3, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(c3, c3, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(c3, c2, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Linear(c2 * side * side, fc), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(fc, fc), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(fc, 10))


# ---- chapter 19 (VGG-11, lite: 32x32 input, channels / 8, 512 hidden units) -----------------------------
def vgg(conv_arch=((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)), ratio=4, fc=4096, in_size=224):
    blocks, in_channels = [], 1
    for num_convs, out_channels in conv_arch:
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels // ratio, kernel_size=3, padding=1), nn.ReLU()]
            in_channels = out_channels // ratio
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        blocks.append(nn.Sequential(*layers))
    side = in_size // 2 ** len(conv_arch)
    return nn.Sequential(
        *blocks, nn.Flatten(),
        nn.Linear(in_channels * side * side, fc), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(fc, fc), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(fc, 10))


# ---- chapter 20 (NiN, d2l's network; lite input size assumed until the chapter lands) --------------------
def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def nin(ratio=1):
    c = [96 // ratio, 256 // ratio, 384 // ratio]
    return nn.Sequential(
        nin_block(1, c[0], kernel_size=11, strides=4, padding=0), nn.MaxPool2d(3, stride=2),
        nin_block(c[0], c[1], kernel_size=5, strides=1, padding=2), nn.MaxPool2d(3, stride=2),
        nin_block(c[1], c[2], kernel_size=3, strides=1, padding=1), nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        nin_block(c[2], 10, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


# ---- chapter 21 (GoogLeNet, d2l's network; lite input size assumed until the chapter lands) --------------
class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


def googlenet():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(nn.Conv2d(64, 64, kernel_size=1), nn.ReLU(),
                       nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32),
                       Inception(256, 128, (128, 192), (32, 96), 64),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64),
                       Inception(512, 160, (112, 224), (24, 64), 64),
                       Inception(512, 128, (128, 256), (24, 64), 64),
                       Inception(512, 112, (144, 288), (32, 64), 64),
                       Inception(528, 256, (160, 320), (32, 128), 128),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128),
                       Inception(832, 384, (192, 384), (48, 128), 128),
                       nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))


# name -> (constructor, config). ``source`` says where the configuration comes from.
LITE_CONFIGS = {
    "lenet": (lenet, dict(resize=None, batch_size=256, lr=0.9, momentum=0.0, source="ch17 lite")),
    "bn_lenet": (bn_lenet, dict(resize=None, batch_size=256, lr=1.0, momentum=0.0, source="ch22 lite")),
    "liu_basic_cnn": (LiuBasicCNN, dict(resize=None, batch_size=64, lr=0.01, momentum=0.5, source="ch17 lite")),
    "liu_homework_cnn": (homework_cnn, dict(resize=None, batch_size=64, lr=0.01, momentum=0.5,
                                            source="ch17 lite")),
    "alexnet": (lambda: alexnet(ratio=4, small_input=True),
                dict(resize=None, batch_size=64, lr=0.02, momentum=0.9, source="ch18 lite (cnn-b's draft)")),
    "vgg": (lambda: vgg(ratio=8, fc=512, in_size=32),
            dict(resize=32, batch_size=64, lr=0.03, momentum=0.9, source="ch19 lite (cnn-b's draft)")),
    "nin": (lambda: nin(ratio=4),
            dict(resize=96, batch_size=64, lr=0.1, momentum=0.0,
                 source="assumed (ch20 not written yet): d2l's NiN, channels / 4, 96x96 input")),
    "googlenet": (googlenet, dict(resize=64, batch_size=64, lr=0.1, momentum=0.0,
                                  source="assumed (ch21 not written yet): d2l's GoogLeNet, 64x64 input")),
}
