"""The exercise checks of chapters 12-15 accept the reference answers and reject typical mistakes."""

import math

import torch
from torch import nn

from dlcourse.checks import run_check


def passes(ex_id, answer):
    return run_check(ex_id, answer)[0]


def test_ch12():
    assert passes("12.1", torch.tensor([2.0, 1.0, 1.0]))
    assert not passes("12.1", torch.tensor([1.0, -1.0, 0.0]))  # no update although misclassified
    x = torch.linspace(-2, 2, 5)
    s = torch.sigmoid(x)
    assert passes("12.2", s * (1 - s)) and not passes("12.2", s)  # the function, not its derivative
    assert passes("12.3", 575050) and not passes("12.3", 575050 - 970)  # forgot the biases
    assert passes("12.4", torch.tensor([0, 1, 1, 0])) and not passes("12.4", torch.tensor([0, 1, 1, 1]))
    assert not passes("12.4", torch.tensor([0.0, 1.0, 1.0, 0.0]))  # probabilities/floats, not classes


def test_ch12_linear_collapse_leaves_the_global_seed_alone():
    torch.manual_seed(1)
    lin = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    A1, a1, A2, a2 = (t.detach() for t in (lin[0].weight, lin[0].bias, lin[1].weight, lin[1].bias))
    answer = torch.cat([(A2 @ A1).flatten(), A2 @ a1 + a2])
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    assert passes("12.5", answer)
    assert torch.equal(torch.rand(1), expected_next)
    assert not passes("12.5", torch.cat([(A2 @ A1).flatten(), a2]))  # forgot W2 b1


def test_ch13():
    assert passes("13.1", [4, 5]) and not passes("13.1", [2, 3])
    assert passes("13.2", 6.25) and not passes("13.2", 12.5)  # forgot the 1/2
    x = torch.tensor([1.0, 2.0]).reshape(-1, 1)
    P = torch.cat([x ** i / math.factorial(i) for i in range(4)], dim=1)
    assert passes("13.3", P) and not passes("13.3", torch.cat([x ** i for i in range(4)], dim=1))
    assert passes("13.4", torch.tensor([0.75, -1.65]))
    assert not passes("13.4", torch.tensor([0.95, -2.05]))  # no decay
    assert passes("13.5", "b") and passes("13.5", "(b)") and not passes("13.5", "a")


def test_ch14():
    H = torch.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    keep = torch.tensor([[1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]])
    assert passes("14.1", keep * H / 0.75) and not passes("14.1", keep * H)  # forgot to rescale
    assert passes("14.2", torch.arange(6.0)) and not passes("14.2", torch.arange(6.0) * 2)
    assert passes("14.3", math.sqrt(6 / 1040)) and not passes("14.3", math.sqrt(2 / 1040))
    assert passes("14.4", torch.tensor([1.2, 0.0, 0.0, 1.6]))
    assert not passes("14.4", torch.tensor([2.0, 0.0, 0.0, 2.0]))  # clipped each gradient separately
    assert passes("14.5", 18) and not passes("14.5", 17)


def test_ch15():
    assert passes("15.1", 94) and not passes("15.1", 170)  # counted the shared block twice
    assert passes("15.2", torch.tensor([[1.0, 2.0, 3.0]] * 2)) and not passes("15.2", torch.ones(2, 3))
    assert passes("15.3", ["0.weight", "0.bias", "2.weight", "2.bias"])
    assert not passes("15.3", ["0.weight", "0.bias", "1.weight", "1.bias"])
    assert passes("15.4", torch.tensor([[4.0], [16.5]])) and not passes("15.4", torch.zeros(2, 1))
    assert passes("15.5", "cpu" if not torch.cuda.is_available() else "cuda") or passes("15.5", "mps")
    assert not passes("15.5", "tpu")
