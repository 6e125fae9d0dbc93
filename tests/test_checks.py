"""The learner's self-check (``dl.check``) and the safe recording of answers for the grader. CPU only."""

import json
import os
import pickle

import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse import checks
from dlcourse.checks import CheckFailed, expect_close, expect_equal, expect_tensor, record


def test_right_answers_pass(capsys):
    dl.check("01.1", torch.arange(12, dtype=torch.float32).reshape(3, 4))
    dl.check("01.2", torch.broadcast_shapes((2, 1, 3), (4, 1)))
    X = torch.arange(20).reshape(4, 5)
    dl.check("01.3", X[::2, -2:])
    A = torch.zeros(3, 4)
    dl.check("01.4", (torch.stack((A, A), dim=1).shape, torch.cat((A, A), dim=1).shape))
    a = np.ones(3)
    t = torch.from_numpy(a)
    a += 1
    dl.check("01.5", t)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5 and all(line.startswith("✓ Exercise 01.") for line in out), out
    assert "01.3 (2 points): correct" in out[2]


@pytest.mark.parametrize("ex_id, answer, message", [
    ("01.1", ..., "not answered yet"),
    ("01.1", [[0.0] * 4] * 3, "expected a torch.Tensor, got list"),
    ("01.1", torch.zeros(4, 3), "expected shape (3, 4), got (4, 3)"),
    ("01.1", torch.arange(12).reshape(3, 4), "expected dtype torch.float32, got torch.int64"),
    ("01.1", torch.arange(12.0).reshape(3, 4) + 0.5, "values differ from the expected ones by up to 0.5"),
    ("01.2", (4, 2, 3), "expected (2, 4, 3), got (4, 2, 3)"),
    ("01.4", "shapes", "expected a pair"),
    ("01.5", torch.ones(3, dtype=torch.float64), "Hint: torch.from_numpy shares memory"),
])
def test_each_kind_of_wrong_answer_fails_with_its_message(capsys, ex_id, answer, message):
    passed, text = checks.run_check(ex_id, answer)
    assert not passed and message in text
    dl.check(ex_id, answer)
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"✗ Exercise {ex_id}") and message in line


def test_expect_helpers():
    with pytest.raises(CheckFailed, match=r"expected 1.5 \(within 0.01\), got 1.6"):
        expect_close(1.6, 1.5, atol=0.01)
    assert expect_close(torch.tensor(1.505), 1.5, atol=0.01) == pytest.approx(1.505)
    with pytest.raises(CheckFailed, match="expected a number, got str"):
        expect_close("1.5", 1.5)
    with pytest.raises(CheckFailed, match="expected a single number"):
        expect_close(torch.ones(2), 1.0)
    with pytest.raises(CheckFailed, match="Hint: think"):
        expect_equal(3, 4, hint="think")
    expect_tensor(torch.ones(2, 2), shape=(2, 2), values=torch.ones(2, 2) + 1e-3, atol=1e-2)


def test_a_check_that_trips_is_a_wrong_answer_not_a_crash():
    passed, text = checks.run_check("01.4", [object(), object()])
    assert not passed and text.startswith("could not check the answer")


def test_checks_run_on_cpu_without_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert checks.run_check("01.1", torch.arange(12.0).reshape(3, 4)) == (True, "correct")


def test_unknown_exercise_says_so():
    with pytest.raises(KeyError, match="no exercise '99.9'"):
        dl.check("99.9", 1)


def test_recorded_answers_round_trip(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(checks.ENV_RECORD, str(tmp_path))
    dl.check("01.1", torch.arange(12, dtype=torch.float32).reshape(3, 4))
    dl.check("01.2", torch.Size([2, 4, 3]))
    dl.check("01.5", np.array([2.0, 2.0, 2.0]))       # NumPy arrays are recorded as tensors
    dl.check("01.3", ...)
    dl.check("01.9", {"private": np.float32(1.5)})     # an id only the instructor's checks know
    assert "01.9: answer recorded for grading" in capsys.readouterr().out
    assert torch.equal(record.load_answer(tmp_path, "01.1"), torch.arange(12.0).reshape(3, 4))
    assert record.load_answer(tmp_path, "01.2") == [2, 4, 3]
    assert checks.run_check("01.2", record.load_answer(tmp_path, "01.2"))[0]
    assert checks.run_check("01.5", record.load_answer(tmp_path, "01.5"))[0]
    assert record.load_answer(tmp_path, "01.3") is Ellipsis
    assert record.load_answer(tmp_path, "01.9") == {"private": 1.5}
    assert not list(tmp_path.glob("*.tmp"))
    with pytest.raises(FileNotFoundError):
        record.load_answer(tmp_path, "01.4")


def test_unsupported_answers_are_recorded_as_ungradable(tmp_path):
    record.record_answer(tmp_path, "01.1", torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="cannot be graded"):
        record.load_answer(tmp_path, "01.1")


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_loading_refuses_pickles_links_and_traversal(tmp_path):
    (tmp_path / "01.1.json").write_text(json.dumps({"kind": "torch", "file": "../../etc/passwd"}))
    (tmp_path / "01.1.pt").write_bytes(pickle.dumps(Evil()))
    with pytest.raises(pickle.UnpicklingError):
        record.load_answer(tmp_path, "01.1")
    os.symlink("/etc/hostname", tmp_path / "01.2.json")
    with pytest.raises(ValueError, match="symbolic link"):
        record.load_answer(tmp_path, "01.2")
    (tmp_path / "01.3.json").write_text(" " * 2000)
    with pytest.raises(ValueError, match="larger than"):
        record.load_answer(tmp_path, "01.3", limit=1000)
    os.mkfifo(tmp_path / "01.4.json")
    with pytest.raises(ValueError, match="not a regular file"):
        record.load_answer(tmp_path, "01.4")


def test_private_checks_replace_and_add(tmp_path):
    (tmp_path / "mine.py").write_text(
        "from dlcourse.checks import CheckFailed, exercise\n"
        "@exercise('01.2', points=1, title='private 01.2')\n"
        "def _(a):\n    raise CheckFailed('always wrong here')\n"
        "@exercise('01.9', points=3, title='extra')\n"
        "def _(a):\n    pass\n")
    try:
        assert checks.load_private(tmp_path) == ["01.2", "01.9"]
        assert checks.exercises_of("01") == ["01.1", "01.2", "01.3", "01.4", "01.5", "01.9"]
        assert checks.lookup("01.2").title == "private 01.2"
        assert checks.run_check("01.2", (2, 4, 3), checks.lookup("01.2")) == (False, "always wrong here")
        # the learner's self-check still uses the package's check
        assert checks.run_check("01.2", (2, 4, 3)) == (True, "correct")
    finally:
        checks.PRIVATE.clear()
