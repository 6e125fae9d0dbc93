"""The exercise checks of chapters 16, 17 and 22 accept the reference answers and reject wrong ones.
(The benchmark's networks are tested in test_bench_reference.py.)"""

from pathlib import Path

import pytest
import torch

from dlcourse.checks import run_check

ROOT = Path(__file__).resolve().parents[1]

X22 = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]])
_m, _v = X22.mean(0), ((X22 - X22.mean(0)) ** 2).mean(0)
_rm, _rv = 0.1 * X22.mean(0), 0.9 + 0.1 * X22.var(0)

RIGHT = {
    "16.1": (4, 8, 15, 15),
    "16.2": torch.tensor([[3.0, 7.0, -1.0], [-2.0, 3.0, 6.0]]),
    "16.3": (614528, 108704),
    "16.4": torch.tensor([[5.0, 5.0], [7.0, 6.0]]),
    "16.5": torch.tensor([[1.0], [-1.0]]),
    "16.6": torch.Size([32, 16, 3, 5]),
    "17.1": 576,
    "17.2": 61706,
    "17.3": ((8, 10), 51104),
    "17.4": 500,
    "17.5": 0.61,
    "22.1": (X22 - _m) / torch.sqrt(_v + 1e-5),
    "22.2": (0, 2, 3),
    "22.3": (32, 32),
    "22.4": torch.stack([_rm, _rv]),
    "22.5": (torch.tensor([[2.0, 3.0]]) - _rm) / torch.sqrt(_rv + 1e-5),
}

WRONG = {
    "16.1": (4, 8, 16, 16),                                  # forgot the floor / stride
    "16.2": torch.tensor([[1.0, 7.0, 0.0], [-1.0, 0.0, 7.0]]),  # a flipped kernel (true convolution)
    "16.3": (614400, 108544),                                # biases left out
    "16.4": torch.tensor([[5.0, 2.0], [7.0, 6.0]]),
    "16.5": torch.tensor([[1.0, -1.0]]),                     # the vertical-edge kernel
    "16.6": (16, 32, 3, 5),
    "17.1": 400,
    "17.2": 61470,
    "17.3": ((8, 10), 50000),
    "17.4": 320,
    "17.5": 0.1,
    "22.1": X22 - _m,
    "22.2": (0,),
    "22.3": (16, 16),
    "22.4": torch.stack([_rm, 0.9 + 0.1 * _v]),              # biased variance in the running average
    "22.5": (torch.tensor([[2.0, 3.0]]) - _m) / torch.sqrt(_v + 1e-5),  # batch statistics in eval mode
}


def test_reference_for_16_2_is_the_cross_correlation():
    X = torch.tensor([[1.0, 2.0, 0.0, 1.0], [0.0, 1.0, 3.0, 1.0], [2.0, 0.0, 1.0, 2.0]])
    K = torch.tensor([[1.0, 0.0], [-1.0, 2.0]])
    Y = torch.nn.functional.conv2d(X.reshape(1, 1, 3, 4), K.reshape(1, 1, 2, 2)).reshape(2, 3)
    assert torch.equal(Y, RIGHT["16.2"])


@pytest.mark.parametrize("ex_id", sorted(RIGHT))
def test_right_answer_passes(ex_id):
    passed, message = run_check(ex_id, RIGHT[ex_id])
    assert passed, message


@pytest.mark.parametrize("ex_id", sorted(WRONG))
def test_wrong_answer_fails_with_a_reason(ex_id):
    passed, message = run_check(ex_id, WRONG[ex_id])
    assert not passed and message
