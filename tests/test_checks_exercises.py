"""Every exercise, table-driven: the solution notebooks' own answers pass, on the default parameters and on
fresh ones; wrong answers of many kinds fail, and no failure message shows the expected value; exercises
whose point is a procedure reject a typed constant on fresh parameters; the targeted hints stay.

The genuine answers come from running the solution notebooks' code (``notebook_answers``), so a test fails
when a solution and its check drift apart. Runs on a CPU in well under a minute.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from notebook_answers import all_answers, solution_notebooks
from torch import nn

from dlcourse import checks
from dlcourse.checks import record

for _chapter in range(1, 25):
    checks.load_chapter(f"{_chapter:02d}")
ALL = sorted(checks.REGISTRY, key=checks._order)
CONVERTED = [i for i in ALL if checks.get(i).params is not None or checks.get(i).probe is not None]
PROBED = [i for i in ALL if checks.get(i).probe is not None]
FRESH = ["fresh-seed-1", "fresh-seed-2"]


@pytest.fixture(scope="module")
def default():
    return all_answers(None)


@pytest.fixture(scope="module")
def fresh():
    return {seed: all_answers(seed) for seed in FRESH}


def judge_live(ex_id, answer, seed):
    return checks.run_check(ex_id, answer, seed=seed)


# ---- the genuine procedures pass ------------------------------------------------------------------

def test_every_exercise_has_a_solution_answer(default):
    assert sorted(default, key=checks._order) == ALL
    assert len(ALL) == 118 and len(CONVERTED) == 36


@pytest.mark.parametrize("ex_id", ALL)
def test_solution_answer_passes_on_the_default_parameters(default, ex_id):
    assert judge_live(ex_id, default[ex_id], None) == (True, "correct")


@pytest.mark.parametrize("ex_id", CONVERTED)
def test_solution_procedure_passes_on_fresh_parameters(fresh, ex_id):
    for seed in FRESH:
        passed, message = judge_live(ex_id, fresh[seed][ex_id], seed)
        assert passed, (seed, message)


@pytest.mark.parametrize("ex_id", ALL)
def test_what_dl_check_records_passes_in_the_grader(fresh, tmp_path, ex_id):
    """The grader's path, in one process: the kernel prepares and records the answer (running the probe on a
    model or function), the grader loads the record safely and judges it with the same parameters."""
    seed = FRESH[0]
    ex = checks.get(ex_id)
    record.record_answer(tmp_path, ex_id, checks.prepare(ex, fresh[seed][ex_id], checks.params_of(ex, seed)))
    assert checks.run_check(ex_id, record.load_answer(tmp_path, ex_id), seed=seed) == (True, "correct")


# ---- a typed constant fails on fresh parameters -----------------------------------------------------

# What a learner would type instead of running the procedure (the examples among them).
TYPED = {
    "06.2": [2.0],
    "06.5": [(3.0, -1.0)],
    "08.1": [torch.tensor([2.0, -3.4, 4.2])],
    "08.3": [torch.tensor([2.0, -3.4, 4.2])],
    "09.4": [(0.775, 98 / 151)],
    "10.3": [((177, 688, 2), 29.0, 29.7)],
    "10.4": [0.8],
    "11.1": [torch.softmax(torch.tensor([0.0, 1.0, 2.0]), dim=0)],
    "11.5": [0.8],
    "12.4": [torch.tensor([0, 1, 1, 0])],
    "15.2": [torch.tensor([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])],
    "15.4": [torch.tensor([[4.0], [16.5]])],
    "15.5": ["cpu", "cuda"],
    "16.2": [torch.tensor([[0.0, 6.0, 1.0], [0.0, 0.0, 7.0]])],
    "17.3": [((8, 10), 51104)],
    "17.5": [0.9],
    "18.3": [torch.arange(12.0).reshape(3, 4)],
    "21.3": [torch.zeros(2, 2, 4, 4)],
    "22.1": [torch.zeros(3, 2)],
    "23.3": [torch.zeros(2, 4)],
    "23.4": [torch.tensor([1.0, 2.0, 2.0, 0.0, 6.0, 0.0, 0.0, 2.0]) * 0.5],
    "24.1": [(torch.tensor([[76, 105, 0, 0], [65, 100, 97, 109], [66, 111, 0, 0]]), [2, 4, 2])],
    "24.2": [0.468, 3136 / 6700],
    "24.3": [0.5],
    "24.6": [0.75],
}


@pytest.mark.parametrize("ex_id", CONVERTED)
def test_a_typed_constant_fails_on_fresh_parameters(default, ex_id):
    """The default answer copied as a constant (from the solution notebook, the website, a classmate), or the
    recorded result of a default run, does not pass on another submission's parameters."""
    ex = checks.get(ex_id)
    typed = list(TYPED.get(ex_id, []))
    copied = checks.prepare(ex, default[ex_id], checks.params_of(ex, None))  # what a default run records
    typed.append(copied)
    if ex.probe is None:
        assert record.is_recordable(copied)
    for seed in FRESH:
        for constant in typed:
            passed, message = checks.run_check(ex_id, constant, seed=seed)
            assert not passed, (seed, constant)
            assert message


# ---- wrong answers fail, and the message never shows the expected value -------------------------------

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _numbers(v) -> list[float]:
    if isinstance(v, torch.Tensor):
        return [float(x) for x in v.detach().double().flatten().tolist()] if v.numel() <= 64 else []
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return []
    if isinstance(v, (int, float)):
        return [float(v)]
    if isinstance(v, dict):
        return [x for k, item in v.items() if k not in ("probe", "layers") for x in _numbers(item)]
    if isinstance(v, (list, tuple)):
        return [x for item in v for x in _numbers(item)]
    return []


def _trivial(v: float) -> bool:
    """Numbers that any message may contain for other reasons (item positions, '2 points', a factor 2)."""
    return abs(v) <= 12 and float(v * 2).is_integer()


def _sig_digits(token: str) -> int:
    mantissa = token.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


def leaks(message: str, expected, given=None) -> list[str]:
    """Where ``message`` shows ``expected``: its repr or str, or one of its (non-trivial) numbers, rounded.

    The learner's own answer ``given``, which a message may quote, is left out of the search.
    """
    if given is not None:
        for form in {checks.shown(given), repr(given)}:
            message = message.replace(form, "<given>")
    found = []
    forms = set()
    if isinstance(expected, torch.Tensor):
        if expected.numel() > 1:
            forms |= {repr(expected), str(expected.tolist())}
    elif not isinstance(expected, (int, float)) or not _trivial(float(expected)):
        forms |= {repr(expected), str(expected)}
        if isinstance(expected, (list, tuple)):
            forms |= {repr(list(expected)), repr(tuple(expected))}
    found += [f for f in forms if len(f) > 2 and f in message]
    own = _numbers(given) if given is not None else []
    for token in NUMBER.findall(message):
        t = float(token)
        if any(abs(t - g) <= 1e-6 * max(1.0, abs(g)) or _sig_digits(token) >= 6 and math.isclose(t, g, rel_tol=1e-6)
               for g in own):
            continue  # the learner's own number, quoted
        decimals = len(token.split(".")[1].split("e")[0]) if "." in token else 0
        for v in _numbers(expected):
            if _trivial(v) or _sig_digits(token) < 2:
                continue
            if abs(t - v) <= 0.5 * 10 ** -decimals + 1e-12 * abs(v):
                found.append(f"{token} ≈ {v}")
    return found


def variants(answer, n_options=(3, 4, 10)):
    """Wrong answers of the kinds a check must diagnose: sign, factors, sum vs mean, transpose, shift, type,
    dtype, shape, order, one item changed; plus the hook's probes."""
    out = [123456.75, (123, 456), "zzz", None]
    if isinstance(answer, torch.Tensor) and answer.is_floating_point():
        a = answer.detach()
        out += [-a, 2 * a, a / 2, a + 1, a.round().long(), a.tolist(), a.flatten()[:-1] if a.numel() > 1 else a * 3]
        out += [a * k for k in n_options]
        if a.ndim == 2:
            out += [a.T]
        if a.numel() > 1:
            out += [a.flatten().flip(0).reshape(a.shape)]
    elif isinstance(answer, torch.Tensor):
        out += [answer + 1, answer.float() + 0.5, answer.flip(0)]
    elif isinstance(answer, bool):
        out += [not answer]
    elif isinstance(answer, (int, float)):
        out += [-answer, 2 * answer, answer / 2, answer + 1, str(answer)] + [answer * k for k in n_options]
    elif isinstance(answer, str):
        out += [answer + "x", answer.upper() + "!"]
    elif isinstance(answer, (list, tuple)) and answer:
        out += [list(answer)[:-1], list(reversed(answer)) if len(answer) > 1 else [answer[0], answer[0]]]
        for i, item in enumerate(answer):
            for wrong in variants(item)[4:7]:
                changed = list(answer)
                changed[i] = wrong
                out.append(type(answer)(changed) if isinstance(answer, tuple) else changed)
    elif isinstance(answer, dict):
        for k in answer:
            for wrong in variants(answer[k])[4:6]:
                out.append({**answer, k: wrong})
        out.append({k: v for i, (k, v) in enumerate(answer.items()) if i})
    return out


def _expected_of(ex_id, default):
    """The expected answer as data: the default answer, or for a model/function what its probe records."""
    ex = checks.get(ex_id)
    return checks.prepare(ex, default[ex_id], checks.params_of(ex, None))


@pytest.mark.parametrize("ex_id", ALL)
def test_wrong_answers_fail_without_showing_the_expected_value(default, ex_id):
    ex = checks.get(ex_id)
    params = checks.params_of(ex, None)
    expected = _expected_of(ex_id, default)
    if ex.probe is not None:  # wrong results of a model or function: perturb what the probe recorded
        result = expected["result"]
        wrong = [{**expected, "result": v} for v in variants(result)] + [123456.75, (123, 456), "zzz"]
        judged = [checks.judge(ex, checks.prepare(ex, w, params), params) for w in wrong]
        shown = result
    else:
        wrong = variants(expected)
        judged = [checks.judge(ex, checks.prepare(ex, w, params), params) for w in wrong]
        shown = expected
    failures = 0
    for w, (passed, message) in zip(wrong, judged):
        if passed:
            continue  # a variant that happens to be right (e.g. -0 == 0)
        failures += 1
        assert message, w
        if ex.probe is None:  # (a probe's result can only be malformed if the record was forged)
            assert "could not check the answer" not in message, (w, message)
        assert not leaks(message, shown, w), (w, message, leaks(message, shown, w))
        assert not re.search(r"expected\s+[-(\[']?\d|expected\s+'[^']+'|expected\s+\(\(", message), message
    assert failures >= 3


def test_the_before_stop_probe_finds_no_leaky_exercise():
    """The project's quick probe (shared hooks): three odd answers to every exercise."""
    for ex_id in ALL:
        for wrong in (123456.75, (123, 456), "zzz"):
            ok, msg = checks.run_check(ex_id, wrong, seed=None)
            assert not ok
            assert not re.search(r"expected\s+[-(\[']?\d|expected\s+'[^']+'|expected\s+\(\(", msg), (ex_id, msg)


def test_no_hint_names_an_answer(default):
    """Hints point at the method: no hint contains an exercise's expected value (its repr or its numbers)."""
    for ex_id in ALL:
        ex = checks.get(ex_id)
        if ex.probe is not None:
            continue
        expected = _expected_of(ex_id, default)
        passed, message = checks.run_check(ex_id, "zzz", seed=None)
        hint = message.split("Hint: ", 1)[1] if "Hint: " in message else ""
        assert not leaks(hint, expected), (ex_id, hint)


# ---- the targeted hints stay --------------------------------------------------------------------------

def _diabetes_net(split_seed, all_rows=False, sigmoid=False):
    import dlcourse as dl
    from dlcourse.checks.ch09 import _reference

    features, labels = dl.load_diabetes()
    perm = torch.randperm(len(features), generator=torch.Generator().manual_seed(split_seed))
    n_test = len(features) // 5
    X, y = (features, labels) if all_rows else (features[perm[n_test:]], labels[perm[n_test:]])
    torch.manual_seed(0)
    net = nn.Linear(8, 1)
    opt = torch.optim.SGD(net.parameters(), lr=1.0)
    for _ in range(1000):
        loss = nn.functional.binary_cross_entropy_with_logits(net(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    X_test, y_test, _, baseline = _reference(split_seed)
    with torch.no_grad():
        logits = net(X_test)
    if sigmoid:
        net = nn.Sequential(net, nn.Sigmoid())
    return net, ((logits > 0).float() == y_test).float().mean().item(), \
        ((logits > 0.5).float() == y_test).float().mean().item(), baseline


def test_targeted_hints():
    net, acc, acc_half, base = _diabetes_net(0)
    assert acc_half != acc
    assert "the logit is above 0" in judge_live("09.4", (net, acc_half, base), None)[1]        # the threshold
    leaked, acc2, _, _ = _diabetes_net(0, all_rows=True)
    assert "did the test rows leak into training" in judge_live("09.4", (leaked, acc2, base), None)[1]
    sig, *_ = _diabetes_net(0, sigmoid=True)
    assert "ends in a sigmoid" in judge_live("09.4", (sig, acc, base), None)[1]
    assert "median over all passengers" in judge_live("10.3", ((177, 688, 2), 28.0, 29.5), None)[1]
    from dlcourse.checks.ch10 import titanic_split

    df, test_rows, _ = titanic_split(0)
    truth = torch.tensor(df["survived"].to_numpy()[test_rows])
    assert "too good to be true" in judge_live("10.4", truth, None)[1]
    assert "below 0.75" in judge_live("10.4", torch.zeros_like(truth), None)[1]

    def naive_softmax(o):
        return torch.exp(o) / torch.exp(o).sum()
    assert "the result contains nan: exp(1000) overflows" in judge_live("11.1", naive_softmax, None)[1]
    assert "counted the shared block twice" in judge_live("15.1", 170, None)[1]


@pytest.mark.parametrize("ex_id, answer, phrase", [
    ("01.5", torch.ones(3, dtype=torch.float64), "copy with memory of its own"),
    ("02.4", torch.tensor([-1, 50, 2, 3, 4, 5]), "does reshaping a transposed tensor give a view"),
    ("03.3", (11.0, 13.0, 4.0), "the negative entry counted with its sign"),
    ("03.3", (19.0, 169.0, 4.0), "the square of the right value"),
    ("04.3", torch.tensor([2.0, -2.0]), "the other calls add to it"),
    ("05.2", (4.5, 2.5625), "4 times too large"),
    ("06.1", -28 / 3 * 3, "3 times too large"),
    ("06.2", 2.0, "that is the minimum"),
    ("06.3", 3 / 28, "half the right size"),
    ("06.5", (3.0, -1.0), "w is close to where SGD ends up"),
    ("07.1", 8.0, "the sign is flipped"),
    ("08.1", torch.tensor([2.0, -3.4, 4.2]), "the true parameters the data were made with"),
    ("10.1", (15.625, 15, 156.25), "15.625, is not a whole number"),
    ("12.3", 575050 - 970, "weights only"),
    ("13.2", 12.5, "twice the right size"),
    ("13.4", torch.tensor([0.95, -2.05]), "ignored the weight decay"),
    ("14.1", torch.tensor([[1.0, 0.0, 3.0, 4.0], [5.0, 6.0, 7.0, 0.0]]), "not rescaled"),
    ("14.4", torch.tensor([2.0, 0.0, 0.0, 2.0]), "clipped on its own"),
    ("14.5", 17, "off by one"),
    ("16.6", (16, 32, 3, 5), "wrong order"),
    ("16.5", torch.tensor([[-1.0], [1.0]]), "signs flipped"),
    ("17.1", 400, "28×28"),
    ("20.2", 1.0, "base-10"),
    ("22.4", torch.stack([0.1 * torch.tensor([2.0, 4.0]), 0.9 + 0.1 * torch.tensor([8 / 3, 26 / 3])]), "biased"),
])
def test_kinds_of_mistakes_are_named(ex_id, answer, phrase):
    passed, message = checks.run_check(ex_id, answer, seed=None)
    assert not passed and phrase in message, message


# ---- right answers in other forms are accepted ---------------------------------------------------------

@pytest.mark.parametrize("ex_id, answer", [
    ("14.5", np.int64(18)), ("14.5", 18.0), ("14.5", torch.tensor(18)), ("14.5", np.float32(18.0)),
    ("12.3", np.int64(575050)), ("06.3", np.float64(3 / 14)), ("06.3", torch.tensor(3 / 14)),
    ("01.2", torch.Size([2, 4, 3])), ("01.2", [2, 4, 3]), ("01.2", np.array([2, 4, 3])),
    ("01.1", np.arange(12, dtype=np.float32).reshape(3, 4)),
    ("03.6", [np.bool_(True), False, np.bool_(False)]),
    ("10.1", [16, 15.0, np.int64(160)]),
    ("16.1", torch.Size([4, 8, 15, 15])),
    ("22.2", [2, 0, 3]),
    ("23.1", (torch.Size([8, 11, 10]), torch.Size([6, 8, 5]))),
    ("24.5", [4, 5]),
    ("05.1", {"tomorrow's PM2.5": "Regression", "is this e-mail spam": "classification",
              "translate a sentence": "structured output", "which digit is in the image": " classification "}),
])
def test_right_answers_in_other_forms_pass(ex_id, answer):
    assert checks.run_check(ex_id, answer, seed=None) == (True, "correct")


def test_messages_show_the_answer_as_given():
    message = checks.run_check("10.1", (15.625, 15, 160), seed=None)[1]
    assert "15.625" in message and " 15," not in message.split("Hint")[0]
    assert "0.3333333" in checks.run_check("06.1", 1 / 3, seed=None)[1]


def test_probe_failures_are_explained():
    def broken(o):
        raise ValueError("boom")
    assert checks.run_check("11.1", broken, seed=None)[1].startswith("your answer raised ValueError: boom")

    def blank(o):
        return ...
    assert checks.run_check("11.1", blank, seed=None) == (False, checks.NOT_ANSWERED)
    assert "expected your function `stable_softmax` itself" in checks.run_check("11.1", torch.ones(3), seed=None)[1]
    assert "not a float" not in checks.run_check("12.4", nn.Linear(2, 2), seed=None)[1]
    assert "expected your trained network `net` (an nn.Module)" in checks.run_check("12.4", len, seed=None)[1]


def test_a_model_is_run_in_evaluation_mode_and_left_as_it_was():
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
    net.train()
    checks.run_check("12.4", net, seed=None)
    assert net.training


def test_dict_method_names_cannot_be_parameters():
    with pytest.raises(ValueError, match="clash with dict methods"):
        checks.draw(lambda d: {"values": 1}, "99.1", None)


def test_every_converted_exercise_reads_its_parameters_in_the_notebook():
    text = "\n".join(nb.read_text() for nb in solution_notebooks())
    for ex_id in CONVERTED:
        ex = checks.get(ex_id)
        if ex.params is None or isinstance(ex.params, str):
            continue
        public = checks.params_of(ex, None).public()
        if public:
            assert f'exercise_params(\\"{ex_id}\\")' in text, ex_id
