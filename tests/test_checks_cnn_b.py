"""The exercise checks of chapters 18-21 (AlexNet, VGG, NiN, GoogLeNet and ResNet) accept the reference
answers and reject wrong ones."""

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlcourse.checks import run_check

_X18 = torch.arange(12.0).reshape(3, 4)
_M18 = torch.tensor([[1, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 1]], dtype=torch.bool)
_HEAD = (384 * 10 * 9 + 10) + 2 * (10 * 10 + 10)

torch.manual_seed(0)
_C1, _C2 = nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 3, padding=1)
_X21 = torch.linspace(-1, 1, 64).reshape(2, 2, 4, 4)
with torch.no_grad():
    _RES_GOOD = F.relu(_X21 + _C2(F.relu(_C1(_X21))))
    _RES_BAD = F.relu(_X21 + _C2(_X21))  # the notes' block: conv2 applied to x

RIGHT = {
    "18.1": ((96, 54, 54), (96, 26, 26)),
    "18.2": 43_040_778,
    "18.3": _X18 * _M18 / 0.75,
    "18.4": ["hflip", "shift2"],
    "18.5": {"sides": [13, 6, 2], "flat": 256},
    "19.1": [3, 5, 7, 9],
    "19.2": (27 * 256 * 256, 49 * 256 * 256),
    "19.3": {"sides": [48, 24, 12, 6, 3], "flat": 1152},
    "19.4": 160 + 4640 + (18496 + 36928) + (73856 + 147584) + 2 * 147584,
    "20.1": torch.arange(96.0).reshape(2, 3, 4, 4).mean(dim=(2, 3)),
    "20.2": math.log(10),
    "20.3": {"n_nin_head": _HEAD, "ratio": round(43_040_778 / _HEAD)},
    "20.4": {"sides": [10, 4, 1], "works": True},
    "21.1": (512, 1024),
    "21.2": (576048, 26944),
    "21.3": _RES_GOOD,
    "21.4": (2200, 800),
}

WRONG = {
    "18.1": ((96, 55, 55), (96, 27, 27)),          # forgot the floor / used padding 2
    "18.2": 6400 * 4096 + 4096 * 4096 + 4096 * 10,  # no biases
    "18.3": _X18 * _M18,                            # forgot to rescale
    "18.4": ["hflip", "rot180", "shift2"],
    "18.5": {"sides": [14, 7, 3], "flat": 576},     # halving instead of the 3x3/2 formula
    "19.1": [3, 6, 9, 12],
    "19.2": (9 * 256 * 256, 49 * 256 * 256),
    "19.3": {"sides": [48, 24, 12, 6, 3], "flat": 128},
    "19.4": 160 + 4640 + 18496 + 73856 + 147584,     # one conv per block
    "20.1": torch.arange(96.0).reshape(2, 3, 4, 4).amax(dim=(2, 3)),
    "20.2": 0.0,
    "20.3": {"n_nin_head": 384 * 10 * 9, "ratio": round(43_040_778 / (384 * 10 * 9))},
    "20.4": {"sides": [11, 5, 2], "works": True},
    "21.1": (480, 1024),
    "21.2": (576000, 26880),  # no biases
    "21.3": _RES_BAD,
    "21.4": (1408, 512),      # the 28x28 sizes
}


@pytest.mark.parametrize("ex_id", sorted(RIGHT))
def test_reference_answer_passes(ex_id):
    ok, msg = run_check(ex_id, RIGHT[ex_id])
    assert ok, msg


@pytest.mark.parametrize("ex_id", sorted(WRONG))
def test_wrong_answer_fails(ex_id):
    ok, _ = run_check(ex_id, WRONG[ex_id])
    assert not ok
