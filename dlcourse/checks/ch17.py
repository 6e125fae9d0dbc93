"""Checks for chapter 17, LeNet."""

import torch

from . import CheckFailed, exercise, expect_close, expect_equal, expect_int, expect_pair


@exercise("17.1", points=2, title="LeNet on 32x32 images")
def _(flat_len):
    expect_equal(expect_int(flat_len, what="a length"), 576,
                 hint="32 -> conv(pad 2) 32 -> pool 16 -> conv 12 -> pool 6; 16 channels x 6 x 6")


@exercise("17.2", points=2, title="count LeNet's parameters")
def _(n):
    expect_equal(expect_int(n, what="a count"), 61706,
                 hint="conv: c_o*c_i*k*k + c_o; linear: n_in*n_out + n_out; five layers in all")


@exercise("17.3", points=2, title="build the homework CNN")
def _(answer):
    answer = expect_pair(answer, "(output shape, number of parameters)")
    shape, n = answer
    if isinstance(shape, (torch.Size, list)):
        shape = tuple(shape)
    expect_equal(shape, (8, 10), hint="the last linear layer has 10 outputs, one row per image")
    expect_equal(expect_int(n, what="a parameter count"), 51104,
                 hint="260 + 1,820 + 5,430 for the convolutions; 34,688 + 8,256 + 650 for the linear layers")


@exercise("17.4", points=1, title="the lecture's CNN on bigger images")
def _(fc_in):
    expect_equal(expect_int(fc_in, what="a number of inputs"), 500,
                 hint="32 -> conv 28 -> pool 14 -> conv 10 -> pool 5; 20 channels x 5 x 5")


@exercise("17.5", points=2, title="train a modern LeNet")
def _(test_acc):
    acc = expect_close(test_acc, 0.75, atol=0.25,
                       hint="an accuracy is a fraction in [0, 1]; give metrics['test_acc']")
    if acc <= 0.5:
        raise CheckFailed(f"test accuracy {acc:.3f} is too low: after 3 epochs the ReLU LeNet should beat 0.5. "
                          "Check the activation (nn.ReLU), the pooling (nn.MaxPool2d) and the learning rate 0.3")
