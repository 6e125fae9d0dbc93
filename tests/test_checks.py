"""The learner's self-check (``dl.check``), exercise parameters, probes, and the safe recording of answers
for the grader. CPU only. (Every exercise's own checks are tested in test_checks_exercises.py.)"""

import json
import os
import pickle

import numpy as np
import pytest
import torch
from torch.nn import functional as F

import dlcourse as dl
from dlcourse import checks
from dlcourse.checks import CheckFailed, expect_close, expect_equal, expect_int, expect_tensor, params, record


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
    ("01.1", torch.zeros(4, 3), "expected shape (3, 4), got (4, 3) (the dimensions are swapped: transposed?)"),
    ("01.1", torch.arange(12).reshape(3, 4), "expected dtype torch.float32, got torch.int64"),
    ("01.1", torch.arange(12.0).reshape(3, 4) + 0.5, "every value is off by the same amount"),
    ("01.1", torch.arange(12.0).reshape(3, 4) * 2, "every value is twice the right size"),
    ("01.1", torch.arange(12.0).reshape(4, 3).T.contiguous(), "the right numbers in the wrong places"),
    ("01.2", (4, 2, 3), "the right items in the wrong order"),
    ("01.2", (2, 1, 3), "the 2nd item, 1, is not right"),
    ("01.4", "shapes", "expected a pair"),
    ("01.4", ((3, 2, 4), ...), "not answered yet"),
    ("01.5", torch.ones(3, dtype=torch.float64), "copy with memory of its own"),
])
def test_each_kind_of_wrong_answer_fails_with_its_message(capsys, ex_id, answer, message):
    passed, text = checks.run_check(ex_id, answer)
    assert not passed and message in text, text
    dl.check(ex_id, answer)
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"✗ Exercise {ex_id}") and message in line


def test_expect_helpers_diagnose_without_the_expected_value():
    with pytest.raises(CheckFailed) as e:
        expect_close(1.6, 1.5, atol=0.01)
    assert "1.6" in str(e.value) and "1.5" not in str(e.value) and "tolerance 0.01" in str(e.value)
    with pytest.raises(CheckFailed, match="the sign is flipped"):
        expect_close(-7.25, 7.25)
    with pytest.raises(CheckFailed, match="twice the right size"):
        expect_close(14.5, 7.25)
    with pytest.raises(CheckFailed, match="half the right size"):
        expect_close(3.625, 7.25)
    with pytest.raises(CheckFailed, match="5 times too large: a sum over the 5 items where their mean"):
        expect_close(36.25, 7.25, n=5)
    with pytest.raises(CheckFailed, match="5 times too small"):
        expect_close(1.45, 7.25, n=5)
    with pytest.raises(CheckFailed, match="the square of the right value"):
        expect_close(52.5625, 7.25, atol=1e-4)
    with pytest.raises(CheckFailed, match="off by one"):
        expect_int(17, 18)
    with pytest.raises(CheckFailed, match="close, but not within the tolerance"):
        expect_close(7.26, 7.25, atol=1e-4)
    with pytest.raises(CheckFailed, match="an overflow"):
        expect_close(float("nan"), 7.25)
    with pytest.raises(CheckFailed, match="your answer 15.625 is not a whole number"):
        expect_int(15.625, 16)
    with pytest.raises(CheckFailed, match="Hint: think"):
        expect_equal(3, 4, hint="think")
    with pytest.raises(CheckFailed, match="it was a copy"):
        expect_close(2.0, 1.0, mistakes=[(2.0, "it was a copy")])
    assert expect_close(torch.tensor(1.505), 1.5, atol=0.01) == pytest.approx(1.505)
    assert expect_int(np.int64(18), 18) == 18 and expect_int(18.0, 18) == 18
    with pytest.raises(CheckFailed, match="expected a number, got str"):
        expect_close("1.5", 1.5)
    with pytest.raises(CheckFailed, match="expected a single number"):
        expect_close(torch.ones(2), 1.0)
    expect_tensor(torch.ones(2, 2), shape=(2, 2), values=torch.ones(2, 2) + 1e-3, atol=1e-2)
    with pytest.raises(CheckFailed, match="1 of its 4 entries is wrong, the first at index \\(1, 0\\)"):
        expect_tensor(torch.tensor([[1.0, 2.0], [7.0, 4.0]]), values=[[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(CheckFailed, match="every sign is flipped"):
        expect_tensor(-torch.ones(3), values=torch.ones(3))
    with pytest.raises(CheckFailed, match="transpose of the right matrix"):
        expect_tensor(torch.tensor([[1.0, 3.0], [2.0, 4.0]]), values=[[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(CheckFailed, match="missing keys \\['b'\\]"):
        expect_equal({"a": 1}, {"a": 1, "b": 2})
    with pytest.raises(CheckFailed, match="2 of its 3 items are not right"):
        expect_equal([False, True, True], [True, False, True])


@pytest.mark.parametrize("expected", [7.25, -9.333333, 0.214286, 575050, (8, 11, 10), [True, False, False],
                                      "Garage", {"sides": [13, 6, 2], "flat": 256}])
def test_no_helper_message_contains_the_expected_value(expected):
    import re

    def attempts():
        yield lambda: expect_equal("zzz", expected)
        yield lambda: expect_equal(123456.75, expected)
        yield lambda: expect_equal([1, 2], expected)
        if isinstance(expected, (int, float)):
            yield lambda: expect_close(expected * 3 + 1, expected)
            yield lambda: expect_int(12345, int(expected))
    for attempt in attempts():
        with pytest.raises(CheckFailed) as e:
            attempt()
        text = str(e.value)
        pattern = rf"(?<![\d.]){re.escape(str(expected))}(?![\d])"
        assert repr(expected) not in text and not re.search(pattern, text), text
        if isinstance(expected, float):
            for digits in (3, 4, 6):
                assert f"{expected:.{digits}g}" not in text, text


def test_a_check_that_trips_is_a_wrong_answer_not_a_crash():
    passed, text = checks.run_check("22.2", [object(), object()])
    assert not passed and text.startswith("could not check the answer")


def test_checks_run_on_cpu_without_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert checks.run_check("01.1", torch.arange(12.0).reshape(3, 4)) == (True, "correct")


def test_unknown_exercise_says_so():
    with pytest.raises(KeyError, match="no exercise '99.9'"):
        dl.check("99.9", 1)


def test_checks_and_probes_leave_the_global_random_state_alone():
    from torch import nn

    class ResidualBlock(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(c, c, 3, padding=1), nn.Conv2d(c, c, 3, padding=1)

        def forward(self, x):
            return F.relu(x + self.conv2(F.relu(self.conv1(x))))

    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    assert checks.run_check("21.3", ResidualBlock)[0]
    assert checks.run_check("08.1", torch.zeros(3))[0] is False
    assert torch.equal(torch.rand(3), expected_next)


def test_16_2_reference_is_pytorchs_cross_correlation():
    from dlcourse.checks.ch16 import _corr2d

    X, K = torch.randn(5, 6), torch.randn(2, 3)
    assert torch.allclose(_corr2d(X, K), F.conv2d(X[None, None], K[None, None])[0, 0], atol=1e-5)


# ---- exercise parameters --------------------------------------------------------------------------

def test_exercise_params_are_the_defaults_in_a_learners_notebook(monkeypatch):
    monkeypatch.delenv(params.ENV_SEED, raising=False)
    p = dl.exercise_params("06.2")
    assert p == {"w0": 1.0, "lr": 0.005, "steps": 100} and p.lr == 0.005
    assert dl.exercise_params("06.2") == p
    with pytest.raises(AttributeError, match="has no parameter 'rate'"):
        assert p.rate is None
    with pytest.raises(KeyError, match="has no parameters"):
        dl.exercise_params("01.1")


def test_exercise_params_are_fresh_under_the_grader(monkeypatch):
    monkeypatch.setenv(params.ENV_SEED, "submission-a")
    a = dl.exercise_params("06.2")
    assert a == dl.exercise_params("06.2")                       # the same seed draws the same parameters
    assert a != {"w0": 1.0, "lr": 0.005, "steps": 100}           # never the defaults
    assert checks.params_of(checks.get("06.2"), "submission-a") == a   # what the judge draws
    monkeypatch.setenv(params.ENV_SEED, "submission-b")
    assert dl.exercise_params("06.2") != a


def test_hidden_parameters_reach_the_check_only(monkeypatch):
    monkeypatch.delenv(params.ENV_SEED, raising=False)
    full = checks.params_of(checks.get("12.4"), None)
    assert "_x" in full and dl.exercise_params("12.4") == {}
    assert set(dl.exercise_params("24.6")) == {"countries", "names", "labels"}


def test_shared_parameters():
    assert checks.params_of(checks.get("05.5"), "s") == checks.params_of(checks.get("05.4"), "s")
    assert checks.params_of(checks.get("10.4"), "s") == checks.params_of(checks.get("10.3"), "s")


def test_submission_seed_is_an_hmac_of_the_submission(monkeypatch):
    monkeypatch.setenv(params.ENV_SECRET, "course-secret")
    a, b = params.submission_seed("sha-1"), params.submission_seed("sha-2")
    assert a != b and a == params.submission_seed("sha-1") and len(a) == 24
    monkeypatch.setenv(params.ENV_SECRET, "another-secret")
    assert params.submission_seed("sha-1") != a
    monkeypatch.delenv(params.ENV_SECRET)
    assert params.submission_seed("sha-1") == params.submission_seed("sha-1") != a   # one random secret per run


def test_the_self_check_uses_this_kernels_parameters(monkeypatch, capsys):
    monkeypatch.setenv(params.ENV_SEED, "submission-a")
    p = dl.exercise_params("06.2")
    w = p.w0
    xs, ys = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 4.0, 6.0])
    for _ in range(p.steps):
        w = w - p.lr * (2 * xs * (w * xs - ys)).mean().item()
    dl.check("06.2", w)
    dl.check("06.2", 1.9915961584821336)  # the default run's answer, copied
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✓ Exercise 06.2") and out[1].startswith("✗ Exercise 06.2")


# ---- recording for the grader -------------------------------------------------------------------------

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


def test_a_model_answer_is_recorded_as_what_its_probe_measured(tmp_path, monkeypatch):
    """12.4: the network runs on points it was not shown, in the learner's kernel (the sandbox, under the
    grader); the grader judges the recorded outputs with parameters from the same seed."""
    from torch import nn

    torch.manual_seed(0)
    X, Y = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), torch.tensor([0, 1, 1, 0])
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(500):
        opt.zero_grad()
        F.cross_entropy(net(X), Y).backward()
        opt.step()
    monkeypatch.setenv(checks.ENV_RECORD, str(tmp_path))
    monkeypatch.setenv(params.ENV_SEED, "submission-a")
    dl.check("12.4", net)
    recorded = record.load_answer(tmp_path, "12.4")
    assert recorded["probe"] == "12.4" and recorded["result"].shape == (100, 2)
    monkeypatch.delenv(params.ENV_SEED)
    assert checks.run_check("12.4", recorded, seed="submission-a") == (True, "correct")
    assert not checks.run_check("12.4", recorded, seed="submission-b")[0]   # another submission's points


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
