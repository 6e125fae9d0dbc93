"""The exercise checks of chapters 08-11 accept the reference answers and reject typical mistakes."""

import json
import math
import re
from pathlib import Path

import pytest
import torch

from dlcourse.checks import get, run_check

ROOT = Path(__file__).resolve().parents[1]


def passes(ex_id, answer):
    return run_check(ex_id, answer)[0]


def test_ch08():
    assert passes("08.2", (-28 / 3, -4.0))
    assert not passes("08.2", (-14 / 3, -2.0))  # forgot the factor 2
    assert passes("08.3", torch.tensor([2.0, -3.4, 4.2]))
    assert not passes("08.3", torch.tensor([0.5, -1.0, 1.0]))  # not trained long enough
    assert passes("08.4", 12.0) and not passes("08.4", 6.0)


def test_ch08_closed_form_leaves_the_global_seed_alone():
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    run_check("08.1", torch.zeros(3))
    assert torch.equal(torch.rand(1), expected_next)
    assert not passes("08.1", torch.tensor([2.0, -3.4, 4.2]) + 0.1)


def test_ch09():
    s2 = 1 / (1 + math.exp(-2))
    assert passes("09.1", (0.25, s2 * (1 - s2)))
    assert not passes("09.1", (0.5, s2))  # sigma instead of its derivative
    assert passes("09.2", -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3)
    assert not passes("09.2", -(math.log(0.9) + math.log(0.2) + math.log(0.6)) / 3)  # log(y_hat) for y = 0
    assert passes("09.3", 2.5) and not passes("09.3", -2.5)
    assert passes("09.4", (0.77, 98 / 151))
    assert not passes("09.4", (98 / 151, 98 / 151))  # a model that only predicts the majority class


def test_ch10():
    assert passes("10.1", (16, 15, 160)) and not passes("10.1", (15, 15, 150))
    assert passes("10.2", [[0, 1, 4, 9], [16, 25, 36, 49], [64, 81]])
    assert not passes("10.2", [[0, 1, 4, 9], [16, 25, 36, 49]])
    assert passes("10.3", ((177, 688, 2), 29.0))
    assert not passes("10.3", ((177, 688, 2), 28.0))  # median over all passengers, test rows included
    assert passes("10.4", 0.8)
    assert not passes("10.4", 0.62) and not passes("10.4", 1.0)


def test_ch11():
    assert passes("11.1", torch.softmax(torch.tensor([0.0, 1.0, 2.0]), dim=0))
    assert not passes("11.1", torch.tensor([float("nan")] * 3))
    assert passes("11.2", -(math.log(0.7) + math.log(0.8) + math.log(0.3)) / 3)
    assert passes("11.3", torch.softmax(torch.tensor([1.0, 2.0, 0.5]), 0) - torch.tensor([0.0, 1.0, 0.0]))
    assert not passes("11.3", torch.softmax(torch.tensor([1.0, 2.0, 0.5]), 0))
    assert passes("11.4", torch.tensor([0.125, 1.5, 2.5])) and not passes("11.4", torch.tensor([0.125, 2.0, 4.5]))
    assert passes("11.5", 0.75) and not passes("11.5", 0.1)


HEADING = re.compile(r"^## Exercise (\d\d\.\d+) · .*\((\d+(?:\.\d+)?) points?\)", re.M)


@pytest.mark.parametrize("name", ["08_linear_regression", "09_logistic_regression", "10_datasets_dataloader",
                                  "11_softmax_regression"])
def test_points_in_headings_match_the_checks(name):
    nb = json.loads((ROOT / "solutions" / f"{name}.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    found = HEADING.findall(text)
    assert found, "no exercise headings found"
    for ex_id, points in found:
        assert get(ex_id).points == float(points), ex_id
