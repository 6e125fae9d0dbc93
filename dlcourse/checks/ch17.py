"""Checks for chapter 17, LeNet."""

import torch

from . import exercise, expect_int, fail
from .ch11 import hidden_test_images
from .probes import layers, need_module, run

SIDES = "follow the side length through the layers with ⌊(n − k + 2p)/s⌋ + 1, then multiply by the channels"


@exercise("17.1", points=2, title="LeNet on 32x32 images")
def _(flat_len):
    expect_int(flat_len, 576, what="a length", mistakes=[(400, "that is the length for 28×28 images")], hint=SIDES)


@exercise("17.2", points=2, title="count LeNet's parameters")
def _(n):
    expect_int(n, 61706, what="a count",
               hint="a convolution has c_out·c_in·k·k weights and c_out biases; a linear layer n_in·n_out weights "
                    "and n_out biases; LeNet has five such layers")


# 刘二大人's homework network, layer by layer (what `layers()` reports for each leaf module)
HOMEWORK = [
    {"type": "Conv2d", "in_channels": 1, "out_channels": 10, "kernel_size": [5, 5], "padding": [2, 2]},
    {"type": "MaxPool2d"}, {"type": "ReLU"},
    {"type": "Conv2d", "in_channels": 10, "out_channels": 20, "kernel_size": [3, 3], "padding": [0, 0]},
    {"type": "MaxPool2d"}, {"type": "ReLU"},
    {"type": "Conv2d", "in_channels": 20, "out_channels": 30, "kernel_size": [3, 3], "padding": [1, 1]},
    {"type": "MaxPool2d"}, {"type": "ReLU"},
    {"type": "Flatten"},
    {"type": "Linear", "in_features": 270, "out_features": 128}, {"type": "ReLU"},
    {"type": "Linear", "in_features": 128, "out_features": 64}, {"type": "ReLU"},
    {"type": "Linear", "in_features": 64, "out_features": 10},
]


def _batch(d):
    return {"_batch": d.integer(2, 16, default=8)}


def _probe_173(answer, p):
    net = need_module(answer, "your network `hw`")
    out = run(net, torch.zeros(p._batch, 1, 28, 28))
    return {"shape": list(out.shape), "n_params": sum(q.numel() for q in net.parameters()), "layers": layers(net)}


@exercise("17.3", points=2, title="build the homework CNN", params=_batch, probe=_probe_173,
          wants="your network `hw` itself")
def _(result, p):
    got = result["layers"]
    hint = ("three times a convolution with a 2×2 max pooling and a ReLU, then the linear layers with ReLUs "
            "between them")
    weighted = [layer for layer in got if layer["type"] in ("Conv2d", "Linear")]
    wanted = [layer for layer in HOMEWORK if layer["type"] in ("Conv2d", "Linear")]
    if len(weighted) != len(wanted):
        fail(f"your network has {len(weighted)} convolutional and linear layers; the homework's has {len(wanted)}",
             hint)
    for i, (g, want) in enumerate(zip(weighted, wanted)):
        wrong = [k for k in want if g.get(k) != want[k]]
        if wrong:
            fail(f"the {_nth(i)} convolutional or linear layer ({g['type']}) does not match the description: "
                 f"check its {', '.join(wrong)}", hint)
    kinds = [layer["type"] for layer in got]
    if kinds.count("MaxPool2d") != 3 or kinds.count("ReLU") < 5:
        fail(f"your network has {kinds.count('MaxPool2d')} max poolings and {kinds.count('ReLU')} ReLUs", hint)
    if result["shape"] != [p._batch, 10]:
        fail(f"for a batch of {p._batch} images your network gives an output of shape {tuple(result['shape'])}")
    expect_int(result["n_params"], sum(_count(layer) for layer in HOMEWORK), what="a parameter count")


def _nth(i: int) -> str:
    return ["1st", "2nd", "3rd"][i] if i < 3 else f"{i + 1}th"


def _count(layer: dict) -> int:
    if layer["type"] == "Conv2d":
        k = layer["kernel_size"]
        return layer["out_channels"] * (layer["in_channels"] * k[0] * k[1] + 1)
    if layer["type"] == "Linear":
        return layer["out_features"] * (layer["in_features"] + 1)
    return 0


@exercise("17.4", points=1, title="the lecture's CNN on bigger images")
def _(fc_in):
    expect_int(fc_in, 500, what="a number of inputs", mistakes=[(320, "that is the count for 28×28 images")],
               hint=SIDES)


def _test_images(d):
    return {"_idx_seed": d.seed(default=17)}


def _probe_175(answer, p):
    net = need_module(answer, "your trained network `net`")
    x, _ = hidden_test_images(p._idx_seed, 1000)
    return {"pred": run(net, x).argmax(dim=1), "layers": [layer["type"] for layer in layers(net)]}


@exercise("17.5", points=2, title="train a modern LeNet", params=_test_images, probe=_probe_175,
          wants="your trained network `net` itself")
def _(result, p):
    kinds = result["layers"]
    if "ReLU" not in kinds or "MaxPool2d" not in kinds:
        fail("your network is not the modern LeNet: it should use nn.ReLU and nn.MaxPool2d",
             "build it with lenet(nn.ReLU, nn.MaxPool2d)")
    _, y = hidden_test_images(p._idx_seed, 1000)
    acc = (result["pred"] == y).double().mean().item()
    if acc <= 0.5:
        fail(f"on 1,000 test images it was not shown, your network's accuracy is {acc:.3f}: it should beat 0.5 "
             "after 5 epochs", "check the learning rate (0.1) and that you pass the trained network itself")
