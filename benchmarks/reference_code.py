"""The reference courses' own networks and configurations, for measuring their speed on this machine.

Nothing here is the course's code. The d2l networks are copies of d2l's PyTorch code in d2l-zh 2.0.0 /
d2l-en 0.17.5 (the builds whose figures ``../shared/reference.md`` quotes; after d2l's chapters, MIT-0):
``lenet.ipynb``, ``alexnet.ipynb``, ``vgg.ipynb``, ``nin.ipynb``, ``googlenet.ipynb``, ``batch-norm.ipynb``.
The d2l 1.0.3 package (installed for its ``train_ch6`` and data loader) defines none of them in the classic
form. The MNIST networks are copies of 刘二大人's lecture code (PyTorch 深度学习实践, lectures 10 and 11), as
the course's notes give it. ``REFERENCE_RUNS`` holds each run's configuration exactly as the reference trains
it (input size, batch size, learning rate, 10 epochs) and the test accuracy its build reports.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


# ---- d2l: LeNet (lenet.ipynb) -----------------------------------------------------------------------------
def d2l_lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))


# ---- d2l: AlexNet (alexnet.ipynb) ---------------------------------------------------------------------------
def d2l_alexnet():
    return nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 10))


# ---- d2l: VGG-11 with channels / 4 (vgg.ipynb) ------------------------------------------------------------
def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(conv_arch):
    conv_blks = []
    in_channels = 1
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.Linear(out_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 10))


def d2l_vgg(ratio=4):
    conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
    small_conv_arch = [(pair[0], pair[1] // ratio) for pair in conv_arch]
    return vgg(small_conv_arch)


# ---- d2l: NiN (nin.ipynb) ---------------------------------------------------------------------------------
def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def d2l_nin():
    return nn.Sequential(
        nin_block(1, 96, kernel_size=11, strides=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, kernel_size=5, strides=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, kernel_size=3, strides=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        nin_block(384, 10, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten())


# ---- d2l: GoogLeNet (googlenet.ipynb) ---------------------------------------------------------------------
class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super().__init__(**kwargs)
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


def d2l_googlenet():
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
                       nn.AdaptiveAvgPool2d((1, 1)),
                       nn.Flatten())
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))


# ---- d2l: BN-LeNet, concise (batch-norm.ipynb) ------------------------------------------------------------
def d2l_bn_lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10))


# ---- 刘二大人, lecture 10: the basic CNN ---------------------------------------------------------------------
class LiuNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = torch.nn.Conv2d(10, 20, kernel_size=5)
        self.pooling = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(320, 10)

    def forward(self, x):
        batch_size = x.size(0)
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        x = x.view(batch_size, -1)
        return self.fc(x)


# ---- 刘二大人, lecture 11: the Inception net and the residual net -------------------------------------------
class InceptionA(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)
        self.branch3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)
        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x):
        branch1x1 = self.branch1x1(x)
        branch5x5 = self.branch5x5_2(self.branch5x5_1(x))
        branch3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch5x5, branch3x3, branch_pool], dim=1)


class LiuInceptionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5)
        self.incep1 = InceptionA(in_channels=10)
        self.incep2 = InceptionA(in_channels=20)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(1408, 10)

    def forward(self, x):
        in_size = x.size(0)
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        x = x.view(in_size, -1)
        return self.fc(x)


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)


class LiuResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5)
        self.mp = nn.MaxPool2d(2)
        self.rblock1 = ResidualBlock(16)
        self.rblock2 = ResidualBlock(32)
        self.fc = nn.Linear(512, 10)

    def forward(self, x):
        in_size = x.size(0)
        x = self.mp(F.relu(self.conv1(x)))
        x = self.rblock1(x)
        x = self.mp(F.relu(self.conv2(x)))
        x = self.rblock2(x)
        x = x.view(in_size, -1)
        return self.fc(x)


# The reference runs of chapters 17-22. ``key``: the result key of the chapter's run record (its training
# curve is ``curves[key without "_test_acc"]``); ``acc``: the test accuracy the reference reports after its
# 10 epochs (the figure the chapter is measured against); ``pipeline``: whose training code runs it.
_D2L = "d2l-zh 2.0.0 printed test acc (reference.md)"
_LIU = "刘二大人's slide (reference.md)"
REFERENCE_RUNS = {
    "lenet": dict(chapter="17", key="lenet_test_acc", make=d2l_lenet, data="fashion-mnist", resize=None,
                  batch_size=256, lr=0.9, epochs=10, acc=0.779, source=_D2L, pipeline="d2l"),
    "mnist_cnn": dict(chapter="17", key="mnist_cnn_test_acc", make=LiuNet, data="mnist", resize=None,
                      batch_size=64, lr=0.01, momentum=0.5, epochs=10, acc=0.9869, source=_LIU, pipeline="liu"),
    "alexnet": dict(chapter="18", key="alexnet_test_acc", make=d2l_alexnet, data="fashion-mnist", resize=224,
                    batch_size=128, lr=0.01, epochs=10, acc=0.883, source=_D2L, pipeline="d2l"),
    "vgg": dict(chapter="19", key="vgg_test_acc", make=d2l_vgg, data="fashion-mnist", resize=224,
                batch_size=128, lr=0.05, epochs=10, acc=0.920, source=_D2L, pipeline="d2l"),
    "nin": dict(chapter="20", key="nin_test_acc", make=d2l_nin, data="fashion-mnist", resize=224,
                batch_size=128, lr=0.1, epochs=10, acc=0.790, source=_D2L, pipeline="d2l"),
    "googlenet": dict(chapter="21", key="googlenet_test_acc", make=d2l_googlenet, data="fashion-mnist",
                      resize=96, batch_size=128, lr=0.1, epochs=10, acc=0.886, source=_D2L, pipeline="d2l"),
    "inception_mnist": dict(chapter="21", key="inception_mnist_test_acc", make=LiuInceptionNet, data="mnist",
                            resize=None, batch_size=64, lr=0.01, momentum=0.5, epochs=10, acc=0.9866,
                            source=_LIU, pipeline="liu"),
    "residual_mnist": dict(chapter="21", key="residual_mnist_test_acc", make=LiuResNet, data="mnist",
                           resize=None, batch_size=64, lr=0.01, momentum=0.5, epochs=10, acc=0.9901,
                           source=_LIU, pipeline="liu"),
    "bn_lenet": dict(chapter="22", key="bn_lenet_test_acc", make=d2l_bn_lenet, data="fashion-mnist",
                     resize=None, batch_size=256, lr=1.0, epochs=10, acc=0.836,
                     source="d2l-en 0.17.5 printed test acc (reference.md; zh 2.0.0 printed 0.708)",
                     pipeline="d2l"),
}
