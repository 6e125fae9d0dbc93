"""The exercise checks of chapters 23-24 accept the reference answers and reject typical wrong ones."""

import pytest
import torch
from torch import nn

from dlcourse import checks


def _gru_step():
    torch.manual_seed(23)
    cell = nn.GRUCell(3, 4)
    x, h0 = torch.randn(2, 3), torch.randn(2, 4)
    with torch.no_grad():
        return cell(x, h0)


RIGHT = {
    "23.1": (torch.Size([8, 11, 10]), torch.Size([6, 8, 5])),
    "23.2": 11280,
    "23.3": _gru_step(),
    "23.4": torch.tensor([0.5, 1.0, 1.0, 0.0, 3.0, 0.0, 0.0, 1.0]),
    "24.1": (torch.tensor([[76, 105, 0, 0], [65, 100, 97, 109], [66, 111, 0, 0]]), [2, 4, 2]),
    "24.2": 3136 / 6700,
    "24.3": 0.5,
    "24.4": torch.softmax(torch.tensor([4.0, 2.0, 0.2]), dim=0),
    "24.5": [4, 5],
}

WRONG = {
    "23.1": ((11, 8, 10), (8, 6, 5)),  # batch_first applied to hn too
    "23.2": 11280 // 2,  # one direction only
    "23.3": _gru_step() + 0.01,
    "23.4": torch.tensor([1.0, 2.0, 2.0, 0.0, 6.0, 0.0, 0.0, 2.0]),  # not clipped
    "24.1": (torch.tensor([[0, 0, 76, 105], [65, 100, 97, 109], [0, 0, 66, 111]]), [2, 4, 2]),  # padded left
    "24.2": 0.5,
    "24.3": 0.7,  # plain accuracy
    "24.4": torch.softmax(torch.tensor([2.0, 1.0, 0.1]), dim=0),  # temperature ignored
    "24.5": (-2, -1),
}


@pytest.mark.parametrize("ex_id", sorted(RIGHT))
def test_reference_answers_pass(ex_id):
    assert checks.run_check(ex_id, RIGHT[ex_id]) == (True, "correct")


@pytest.mark.parametrize("ex_id", sorted(WRONG))
def test_wrong_answers_fail(ex_id):
    passed, message = checks.run_check(ex_id, WRONG[ex_id])
    assert not passed and message
