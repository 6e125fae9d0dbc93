"""The student-notebook generator: a solution region keeps its structure; the lines the learner writes go."""

import ast
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from make_exercises import assigned_names, blank_region, strip_solutions  # noqa: E402


def test_names_assigned_inside_blocks_are_found_but_temporaries_are_not():
    code = "with torch.no_grad():\n    y = 2\nfor i in range(3):\n    s = i\nz: int = 3\ndef f():\n    q = 1"
    assert assigned_names(code) == ["y", "s", "z", "f"]


LOOP = """p = dl.exercise_params("06.5")
### BEGIN SOLUTION
w, b = 0.0, 0.0
# one epoch: shuffle, then a step per batch
for _ in range(p.epochs):
    order = torch.randperm(len(x), generator=g)  # a fresh order
    for i in range(0, len(x), p.batch_size):
        idx = order[i:i + p.batch_size]
        err = w * x[idx] + b - y[idx]
        w, b = w - p.lr * (2 * err * x[idx]).mean().item(), b - p.lr * (2 * err).mean().item()
answer = (w, b)
### END SOLUTION
dl.check("06.5", answer)"""


def test_loops_comments_and_set_up_stay_and_the_body_goes():
    out = strip_solutions(LOOP, "t")
    assert out == """p = dl.exercise_params("06.5")
# YOUR CODE HERE
# one epoch: shuffle, then a step per batch
for _ in range(p.epochs):
    # YOUR CODE HERE
    for i in range(0, len(x), p.batch_size):
        ...  # YOUR CODE HERE
answer = ...  # YOUR CODE HERE
dl.check("06.5", answer)"""
    ast.parse(out)


def test_solution_only_names_are_never_prompts():
    out = strip_solutions(LOOP, "t")
    for name in ("order", "idx", "err", "w", "b", "i ="):
        assert f"{name} = ..." not in out


def test_names_read_later_are_prompts_even_in_a_block():
    src = ("### BEGIN SOLUTION\nnet = make()\nfor _ in range(3):\n    step(net)\nwith torch.no_grad():\n"
           "    acc = score(net)\n### END SOLUTION\ndl.check('09.4', (net, acc))")
    assert strip_solutions(src, "t") == ("net = ...  # YOUR CODE HERE\nfor _ in range(3):\n    ...  # YOUR CODE HERE\n"
                                         "with torch.no_grad():\n    acc = ...  # YOUR CODE HERE\n"
                                         "dl.check('09.4', (net, acc))")
    # a name only a later cell reads is a prompt too
    assert "L = ...  # YOUR CODE HERE" in strip_solutions("### BEGIN SOLUTION\nL = f()\n### END SOLUTION", "t", {"L"})


def test_function_bodies_keep_their_loops_and_return():
    src = ("def corr2d(X, K):\n    ### BEGIN SOLUTION\n    h, w = K.shape\n    Y = torch.zeros(3, 3)\n"
           "    for i in range(Y.shape[0]):\n        for j in range(Y.shape[1]):\n            Y[i, j] = 1\n"
           "    return Y\n    ### END SOLUTION\n\n\ndl.check('16.2', corr2d)")
    out = strip_solutions(src, "t")
    # Y is prompted because a kept loop header reads it; h and w are the solution's own
    assert out == ("def corr2d(X, K):\n    Y = ...  # YOUR CODE HERE\n    for i in range(Y.shape[0]):\n"
                   "        for j in range(Y.shape[1]):\n            ...  # YOUR CODE HERE\n"
                   "    return ...  # YOUR CODE HERE\n\n\ndl.check('16.2', corr2d)")
    ast.parse(out)


def test_a_header_reading_a_given_name_needs_no_prompt():
    src = ("w, b = given()\n### BEGIN SOLUTION\nif y * (x @ w + b) <= 0:\n    w, b = w + y * x, b + y\n"
           "wb = torch.cat([w, b])\n### END SOLUTION\ndl.check('12.1', wb)")
    assert strip_solutions(src, "t") == ("w, b = given()\nif y * (x @ w + b) <= 0:\n    ...  # YOUR CODE HERE\n"
                                         "wb = ...  # YOUR CODE HERE\ndl.check('12.1', wb)")


def test_if_elif_else_and_a_method_body():
    src = ("class A:\n    def f(self, p):\n        ### BEGIN SOLUTION\n        if p == 1:\n            return 0\n"
           "        elif p == 2:\n            q = 1\n        else:\n            q = 2\n        return q\n"
           "        ### END SOLUTION")
    out = strip_solutions(src, "t")
    assert out == ("class A:\n    def f(self, p):\n        if p == 1:\n            return ...  # YOUR CODE HERE\n"
                   "        elif p == 2:\n            ...  # YOUR CODE HERE\n        else:\n"
                   "            ...  # YOUR CODE HERE\n        return ...  # YOUR CODE HERE")
    ast.parse(out)


def test_a_region_of_simple_lines_becomes_one_prompt_per_answer():
    src = "A = 1\n### BEGIN SOLUTION\nx, y = 2, 3\nz = x + y\n### END SOLUTION\ndl.check('01.1', z)"
    assert strip_solutions(src, "t") == "A = 1\nz = ...  # YOUR CODE HERE\ndl.check('01.1', z)"
    assert blank_region("print(1)", set()) == ["...  # YOUR CODE HERE"]


@pytest.mark.parametrize("src", ["### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION",
                                 "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"])
def test_unbalanced_markers_are_an_error(src):
    with pytest.raises(ValueError):
        strip_solutions(src, "cell 3")
