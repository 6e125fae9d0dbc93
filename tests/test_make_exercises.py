"""The student-notebook generator: what a solution region becomes."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from make_exercises import assigned_names, strip_solutions  # noqa: E402


def test_names_assigned_inside_blocks_are_stubbed_but_temporaries_are_not():
    code = "with torch.no_grad():\n    y = 2\nfor i in range(3):\n    s = i\nz: int = 3\ndef f():\n    q = 1"
    assert assigned_names(code) == ["y", "s", "z", "f"]


def test_region_becomes_placeholders_and_function_bodies_raise():
    src = "x = 1\n### BEGIN SOLUTION\na, b = 2, 3\n### END SOLUTION\ndl.check('01.1', a)\n" \
          "def g():\n    ### BEGIN SOLUTION\n    return 4\n    ### END SOLUTION"
    out = strip_solutions(src, "t")
    assert "a = ...  # YOUR CODE HERE\nb = ...  # YOUR CODE HERE" in out
    assert "    raise NotImplementedError" in out and "return 4" not in out and "x = 1" in out


@pytest.mark.parametrize("src", ["### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION"])
def test_unbalanced_markers_are_an_error(src):
    with pytest.raises(ValueError):
        strip_solutions(src, "cell 3")
