"""The exercise checks of chapters 02-04 accept the reference answers and reject typical wrong ones."""

import json
import re
from pathlib import Path

import pytest
import torch

from dlcourse import checks

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^## Exercise (\d\d\.\d+) · .*\((\d+(?:\.\d+)?) points?\)\s*$", re.M)

HOUSES_X = torch.tensor([[120.0, 3, 0, 1, 0], [120, 2, 0, 0, 1], [90, 3, 1, 0, 0], [150, 4, 0, 1, 0],
                         [120, 3, 0, 1, 0]])

RIGHT = {
    "02.1": "Garage",
    "02.2": HOUSES_X,
    "02.3": "object",
    "02.4": torch.tensor([0, 50, 2, 3, 4, 5]),
    "03.1": torch.arange(1.0, 13.0).reshape(3, 4) / torch.arange(1.0, 13.0).reshape(3, 4).sum(1, keepdim=True),
    "03.2": [(3, 4), (2, 4), (3,), (2, 1, 4)],
    "03.3": (19.0, 13.0, 4.0),
    "03.4": torch.tensor([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]]),
    "03.5": -torch.tensor([1.0, 1.0]) / 2**0.5,  # either sign
    "03.6": [True, False, False],
    "04.1": torch.tensor([-2.0, 1.0, 10.0]),
    "04.2": (torch.tensor([36.0, 162.0]), torch.tensor([-12.0, -16.0])),
    "04.3": torch.tensor([6.0, -6.0]),
    "04.4": (torch.tensor([1.0, 4.0, 9.0]), torch.tensor([3.0, 12.0, 27.0])),
    "04.5": (torch.tensor([0.0, 0.0, 1.0]), torch.tensor([-1.0, 0.0, 1.0])),
    "04.6": ["2.bias", "2.weight"],
}

WRONG = {
    "02.1": ["Area", 3],
    "02.2": [HOUSES_X.double(), torch.cat((HOUSES_X, torch.zeros(5, 1)), 1), HOUSES_X[:, :4]],
    "02.3": ["float64", "bool"],
    "02.4": [torch.arange(6), torch.tensor([-1, 50, 2, 3, 4, 5])],
    "03.1": [torch.arange(1.0, 13.0).reshape(3, 4) / torch.arange(1.0, 13.0).reshape(3, 4).sum(0)],
    "03.2": [[(3, 4), (2, 4), (3,), (2, 4)], "shapes"],
    "03.3": [(19.0, 169.0, 4.0), (19.0, 13.0, 16.0), (19.0, 13.0)],
    "03.4": [torch.tensor([[0.0, 1, 0], [0, 0, 1], [1, 0, 0]]), torch.eye(3)],
    "03.5": [torch.tensor([1.0, 1.0]), torch.tensor([1.0, -2.0]) / 5**0.5],
    "03.6": [[True, True, True], [True, False, True]],
    "04.1": [torch.tensor([0.0, 1.0, 4.0])],
    "04.2": [(torch.tensor([36.0, 81.0]), torch.tensor([-12.0, -8.0])), torch.tensor([36.0, 162.0])],
    "04.3": [torch.tensor([2.0, -2.0])],
    "04.4": [(torch.tensor([3.0, 12.0, 27.0]), torch.tensor([3.0, 12.0, 27.0])),
             (torch.tensor([1.0, 4.0, 9.0]), torch.tensor([4.0, 16.0, 36.0]))],
    "04.5": [(torch.tensor([0.0, 1.0, 1.0]), torch.tensor([-1.0, 0.0, 1.0]))],
    "04.6": [["0.bias", "0.weight", "2.bias", "2.weight"], ["2.weight"]],
}


@pytest.mark.parametrize("ex_id", sorted(RIGHT))
def test_reference_answer_passes(ex_id):
    passed, message = checks.run_check(ex_id, RIGHT[ex_id])
    assert passed, message


@pytest.mark.parametrize("ex_id", sorted(WRONG))
def test_wrong_answers_fail_with_a_message(ex_id):
    for answer in WRONG[ex_id]:
        passed, message = checks.run_check(ex_id, answer)
        assert not passed, f"{ex_id} accepted {answer!r}"
        assert message and not message.startswith("could not check"), message


def test_placeholder_is_not_answered():
    passed, message = checks.run_check("03.1", ...)
    assert not passed and "not answered" in message


@pytest.mark.parametrize("name", ["02_data_preprocessing", "03_linear_algebra", "04_autograd"])
def test_headings_match_registered_points(name):
    nb = json.loads((ROOT / "solutions" / f"{name}.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    found = HEADING.findall(text)
    assert found, "no exercise headings found"
    chapter = name[:2]
    assert {ex for ex, _ in found} == {ex for ex in RIGHT if ex.startswith(chapter)}
    for ex_id, points in found:
        assert checks.get(ex_id).points == float(points), ex_id
